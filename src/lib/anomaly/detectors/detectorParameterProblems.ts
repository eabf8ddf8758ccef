/** A parameter's rule for {@link detectorParameterProblems}. */
export interface ParameterRule {
  /** The received value. */
  readonly value: unknown;
  /** The smallest allowed value. */
  readonly min: number;
  /** The largest allowed value. */
  readonly max: number;
  /** True when only integers are allowed. */
  readonly integer?: boolean;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? typeof value;
}

/**
 * Checks numeric detector parameters against their ranges.
 *
 * @param rules - by parameter name
 * @returns one message per bad parameter, naming it, what was expected and what was received
 */
export function detectorParameterProblems(rules: Readonly<Record<string, ParameterRule>>): string[] {
  const problems: string[] = [];
  for (const [name, { value, min, max, integer }] of Object.entries(rules)) {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= min &&
      value <= max &&
      (!integer || Number.isInteger(value));
    if (!ok) {
      problems.push(
        `${name}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, received ${describe(value)}`,
      );
    }
  }
  return problems;
}
