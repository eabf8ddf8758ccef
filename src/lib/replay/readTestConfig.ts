import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LenientJsonError, parseLenientJson } from './parseLenientJson';

/** One input of a test case: the file that mocks an input alias. */
export interface TestCaseInput {
  readonly alias: string;
  readonly type: 'stream' | 'reference';
  /** As written, e.g. "JSON". Only JSON can be run. */
  readonly format: string;
  /** Absolute path. */
  readonly filePath: string;
}

export interface TestCaseExpectedOutput {
  readonly alias: string;
  /** Absolute path of line-delimited JSON rows (or a JSON array). */
  readonly filePath: string;
  /** False: the output is not compared (ASA's OutputUnrequired). */
  readonly required: boolean;
}

export interface TestCase {
  readonly name: string;
  readonly inputs: readonly TestCaseInput[];
  readonly expectedOutputs: readonly TestCaseExpectedOutput[];
}

/** A testConfig.json of ASA's CI/CD tool (azure-streamanalytics-cicd), with paths made absolute. */
export interface TestConfig {
  readonly path: string;
  /** Absolute path of the query (.asaql). */
  readonly script: string;
  readonly testCases: readonly TestCase[];
}

/** A testConfig.json that cannot be used: names the file and every problem. */
export class TestConfigError extends Error {
  override readonly name = 'TestConfigError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A property by name without regard to case. */
function get(o: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

/** Resolves a path of the config (Windows separators allowed) against the config's folder. */
function resolvePath(base: string, p: string): string {
  const normalized = p.replace(/\\/g, '/');
  return isAbsolute(normalized) ? normalized : resolve(base, normalized);
}

/**
 * Validates a parsed testConfig.json: `Script`, and `TestCases` of `{Name, Inputs: [{InputAlias, Type
 * ("Data Stream" or "Reference Data"), Format, FilePath, ScriptType}], ExpectedOutputs: [{OutputAlias,
 * FilePath, Required}]}`. Property names match without regard to case; paths are relative to the
 * config's folder. Throws a {@link TestConfigError} naming every problem as `property: expected ...,
 * received ...`.
 */
export function parseTestConfig(config: unknown, path: string): TestConfig {
  const base = dirname(path);
  const problems: string[] = [];
  if (!isRecord(config)) {
    throw new TestConfigError(
      `${path}: expected a JSON object, received ${Array.isArray(config) ? 'an array' : typeof config}`,
    );
  }
  const text = (o: Record<string, unknown>, name: string, where: string): string => {
    const v = get(o, name);
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(
        `${where}${name}: expected a non-empty string, received ${JSON.stringify(v) ?? 'nothing'}`,
      );
      return '';
    }
    return v;
  };
  const list = (o: Record<string, unknown>, name: string, where: string): Record<string, unknown>[] => {
    const v = get(o, name);
    if (!Array.isArray(v)) {
      problems.push(`${where}${name}: expected an array, received ${JSON.stringify(v) ?? 'nothing'}`);
      return [];
    }
    return (v as unknown[]).filter((item, i): item is Record<string, unknown> => {
      if (isRecord(item)) return true;
      problems.push(`${where}${name}[${i}]: expected an object, received ${JSON.stringify(item)}`);
      return false;
    });
  };
  const script = text(config, 'Script', '');
  const cases = list(config, 'TestCases', '');
  if (Array.isArray(get(config, 'TestCases')) && cases.length === 0)
    problems.push('TestCases: expected at least 1 test case, received 0');
  const names = new Set<string>();
  const testCases: TestCase[] = cases.map((c, i) => {
    const where = `TestCases[${i}].`;
    const name = text(c, 'Name', where);
    if (names.has(name))
      problems.push(`${where}Name: expected a unique name, received ${JSON.stringify(name)} again`);
    names.add(name);
    const inputs = list(c, 'Inputs', where).map((input, j): TestCaseInput => {
      const w = `${where}Inputs[${j}].`;
      const type = (get(input, 'Type') ?? 'Data Stream') as unknown;
      const normalized = typeof type === 'string' ? type.replace(/\s+/g, '').toLowerCase() : '';
      if (normalized !== 'datastream' && normalized !== 'referencedata') {
        problems.push(
          `${w}Type: expected "Data Stream" or "Reference Data", received ${JSON.stringify(type)}`,
        );
      }
      const format = get(input, 'Format') ?? 'JSON';
      if (typeof format !== 'string')
        problems.push(`${w}Format: expected a string, received ${JSON.stringify(format)}`);
      const filePath = text(input, 'FilePath', w);
      return {
        alias: text(input, 'InputAlias', w),
        type: normalized === 'referencedata' ? 'reference' : 'stream',
        format: typeof format === 'string' ? format : '',
        filePath: filePath === '' ? '' : resolvePath(base, filePath),
      };
    });
    const expectedOutputs = list(c, 'ExpectedOutputs', where).map((output, j): TestCaseExpectedOutput => {
      const w = `${where}ExpectedOutputs[${j}].`;
      const rawRequired = get(output, 'Required');
      let required = true;
      if (rawRequired !== undefined && rawRequired !== null) {
        const r = typeof rawRequired === 'string' ? rawRequired.trim().toLowerCase() : rawRequired;
        if (r === true || r === 'true') required = true;
        else if (r === false || r === 'false') required = false;
        else problems.push(`${w}Required: expected true or false, received ${JSON.stringify(rawRequired)}`);
      }
      const filePath = text(output, 'FilePath', w);
      return {
        alias: text(output, 'OutputAlias', w),
        filePath: filePath === '' ? '' : resolvePath(base, filePath),
        required,
      };
    });
    return { name, inputs, expectedOutputs };
  });
  if (problems.length > 0) throw new TestConfigError(`${path}:\n  - ${problems.join('\n  - ')}`);
  return { path, script: resolvePath(base, script), testCases };
}

/** Reads and validates a testConfig.json (see {@link parseTestConfig}). */
export async function readTestConfig(path: string): Promise<TestConfig> {
  const absolute = resolve(path);
  const text = await readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new TestConfigError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  let config: unknown;
  try {
    config = parseLenientJson(text);
  } catch (error) {
    const line = error instanceof LenientJsonError && error.line !== undefined ? `:${error.line}` : '';
    throw new TestConfigError(`${path}${line}: not valid JSON (${(error as Error).message})`);
  }
  return parseTestConfig(config, absolute);
}
