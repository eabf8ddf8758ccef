import type { Expr } from '../engine/expr';
import { maxWindowsPerEvent, windowSpecProblems, type WindowSpec } from '../engine/windows';
import type { CallNode, ExprNode } from './ast';
import { compileExprNode, simpleCallName, type ExprScope } from './compileExprNode';
import { QueryCompileError } from './queryCompileError';
import { timeUnitInMicroseconds, timeUnitNames } from './timeUnitInMicroseconds';

/** A GROUP BY window: the engine's spec and, for a session window, its OVER (PARTITION BY ...) keys. */
export interface CompiledWindow {
  readonly spec: WindowSpec;
  readonly partitionBy?: readonly Expr[];
}

type WindowKind = 'tumbling' | 'hopping' | 'sliding' | 'session';

const windowKinds: Readonly<Record<string, WindowKind>> = {
  tumblingwindow: 'tumbling',
  tumbling: 'tumbling',
  hoppingwindow: 'hopping',
  hopping: 'hopping',
  slidingwindow: 'sliding',
  sliding: 'sliding',
  sessionwindow: 'session',
  session: 'session',
};

/** The window kind a GROUP BY call names, or undefined when it is no window function. */
export function windowKindOf(node: ExprNode): WindowKind | 'windows' | undefined {
  if (node.kind !== 'call') return undefined;
  const name = simpleCallName(node);
  if (name === undefined) return undefined;
  if (name === 'windows') return 'windows';
  return Object.hasOwn(windowKinds, name) ? windowKinds[name] : undefined;
}

/** Positional argument counts and the named-form helpers of each window, in order. */
const forms: Readonly<
  Record<WindowKind, { positional: [number, number]; named: readonly string[]; required: number }>
> = {
  tumbling: { positional: [2, 3], named: ['duration', 'offset'], required: 1 },
  hopping: { positional: [3, 4], named: ['duration', 'hop', 'offset'], required: 2 },
  sliding: { positional: [2, 2], named: ['duration'], required: 1 },
  session: { positional: [3, 3], named: ['timeout', 'maxduration'], required: 2 },
};

const signatures: Readonly<Record<WindowKind, string>> = {
  tumbling:
    'TumblingWindow(unit, size[, offset]) or TumblingWindow(Duration(unit, size)[, Offset(unit, offset)])',
  hopping:
    'HoppingWindow(unit, size, hop[, offset]) or HoppingWindow(Duration(unit, size), Hop(unit, hop)[, Offset(unit, offset)])',
  sliding: 'SlidingWindow(unit, size) or SlidingWindow(Duration(unit, size))',
  session:
    'SessionWindow(unit, timeout, maxDuration) or SessionWindow(Timeout(unit, timeout), MaxDuration(unit, maxDuration))',
};

const invalid = (node: { pos: CallNode['pos'] }, token: string, detail: string): QueryCompileError =>
  new QueryCompileError(node.pos, token, 'invalid', detail);

/**
 * Compiles TumblingWindow, HoppingWindow, SlidingWindow or SessionWindow (and their short names) in both
 * argument forms into the engine's window spec, in whole milliseconds. Units: day (dd, d), hour (hh),
 * minute (mi, n), second (ss, s), millisecond (ms), microsecond (mcs).
 */
export function compileWindow(node: CallNode, scope: ExprScope): CompiledWindow {
  const kind = windowKindOf(node);
  const display = node.name.map((s) => s.name).join('.');
  const token = `'${display}'`;
  if (kind === 'windows') {
    throw new QueryCompileError(
      node.pos,
      token,
      'unsupported',
      'Windows(...) (several windows in one GROUP BY)',
    );
  }
  if (kind === undefined) throw invalid(node, token, `expected a window function, received ${display}`);
  if (node.star || node.quantifier) throw invalid(node, token, `expected ${signatures[kind]}`);
  const durations = windowDurations(node, kind);
  let spec: WindowSpec;
  switch (kind) {
    case 'tumbling':
      spec = {
        kind,
        sizeInMs: durations[0]!,
        ...(durations[1] !== undefined ? { offsetInMs: durations[1] } : {}),
      };
      break;
    case 'hopping':
      spec = {
        kind,
        sizeInMs: durations[0]!,
        hopInMs: durations[1]!,
        ...(durations[2] !== undefined ? { offsetInMs: durations[2] } : {}),
      };
      break;
    case 'sliding':
      spec = { kind, sizeInMs: durations[0]! };
      break;
    case 'session':
      spec = { kind, timeoutInMs: durations[0]!, maxDurationInMs: durations[1]! };
      break;
  }
  if (
    spec.kind === 'hopping' &&
    spec.hopInMs <= spec.sizeInMs &&
    Math.ceil(spec.sizeInMs / spec.hopInMs) > maxWindowsPerEvent
  ) {
    throw new QueryCompileError(
      node.pos,
      token,
      'unsupported',
      `a hopping window with more than ${maxWindowsPerEvent} windows per event (size ${spec.sizeInMs} ms / hop ${spec.hopInMs} ms)`,
    );
  }
  const problems = windowSpecProblems(spec, display);
  if (problems.length > 0) throw invalid(node, token, problems.join('; '));

  let partitionBy: Expr[] | undefined;
  if (node.over) {
    const over = node.over;
    if (
      kind !== 'session' ||
      over.orderBy.length > 0 ||
      over.limitDuration ||
      over.when ||
      over.partitionBy.length === 0
    ) {
      throw invalid(over, "'OVER'", `expected OVER (PARTITION BY ...) only after SessionWindow(...)`);
    }
    const keyScope: ExprScope = { ...scope, aggregates: { forbiddenIn: 'PARTITION BY' } };
    partitionBy = over.partitionBy.map((k) => compileExprNode(k, keyScope));
  }
  return { spec, ...(partitionBy ? { partitionBy } : {}) };
}

/** The window's durations in ms, in the order of the positional form (the unit shared or per helper). */
function windowDurations(node: CallNode, kind: WindowKind): (number | undefined)[] {
  const form = forms[kind];
  const first = node.args[0];
  const isNamed =
    first?.kind === 'call' &&
    first.name.length === 1 &&
    form.named.includes(first.name[0]!.name.toLowerCase());
  if (!isNamed) {
    const [min, max] = form.positional;
    if (node.args.length < min || node.args.length > max) {
      throw invalid(
        node,
        `'${node.name[0]!.name}'`,
        `expected ${signatures[kind]}, received ${node.args.length} arguments`,
      );
    }
    const unit = unitOf(node.args[0]!);
    const offsetIndex = kind === 'tumbling' ? 1 : kind === 'hopping' ? 2 : -1;
    return node.args.slice(1).map((a, i) => durationInMs(a, unit, i === offsetIndex));
  }
  // Named form: each helper in its place.
  const out: (number | undefined)[] = [];
  let next = 0;
  for (const arg of node.args) {
    const helper = arg.kind === 'call' && arg.name.length === 1 ? arg.name[0]!.name.toLowerCase() : undefined;
    const at = helper === undefined ? -1 : form.named.indexOf(helper, next);
    if (arg.kind !== 'call' || at < 0) {
      throw invalid(
        arg,
        arg.kind === 'call' ? `'${arg.name[0]!.name}'` : 'an argument',
        `expected ${signatures[kind]}`,
      );
    }
    if (arg.args.length !== 2 || arg.star || arg.quantifier || arg.over) {
      throw invalid(arg, `'${arg.name[0]!.name}'`, `expected ${arg.name[0]!.name}(unit, amount)`);
    }
    const unit = unitOf(arg.args[0]!);
    out[at] = durationInMs(arg.args[1]!, unit, helper === 'offset');
    next = at + 1;
  }
  for (let i = 0; i < form.required; i++) {
    if (out[i] === undefined) throw invalid(node, `'${node.name[0]!.name}'`, `expected ${signatures[kind]}`);
  }
  return out;
}

function unitOf(node: ExprNode): number {
  if (node.kind === 'name' && node.path.length === 1) {
    const unit = timeUnitInMicroseconds(node.path[0]!.name);
    if (unit !== undefined) return unit;
  }
  const token = node.kind === 'name' ? `'${node.path.map((s) => s.name).join('.')}'` : 'an expression';
  throw invalid(node, token, `expected a time unit: ${timeUnitNames}; received ${token}`);
}

/** A constant amount of a unit in whole milliseconds (negative only for an offset). */
function durationInMs(node: ExprNode, unitInMicroseconds: number, isOffset: boolean): number {
  let negative = false;
  let n = node;
  while (n.kind === 'unary' && (n.op === 'negate' || n.op === 'plus')) {
    if (n.op === 'negate') negative = !negative;
    n = n.operand;
  }
  if (n.kind !== 'literal' || n.value.type !== 'number') {
    throw invalid(node, 'an expression', 'expected a constant number for a window size');
  }
  const amount = (negative ? -1 : 1) * Number(n.value.text);
  if (!isOffset && amount <= 0)
    throw invalid(node, `'${n.value.text}'`, `expected a positive window size, received ${amount}`);
  const micro = amount * unitInMicroseconds;
  const ms = micro / 1000;
  const rounded = Math.round(ms);
  if (!Number.isFinite(ms) || Math.abs(ms - rounded) > 1e-9 * Math.max(1, Math.abs(ms))) {
    throw new QueryCompileError(
      node.pos,
      `'${n.value.text}'`,
      'unsupported',
      `a window duration that is not a whole number of milliseconds (${amount} x ${unitInMicroseconds} microseconds)`,
    );
  }
  return rounded === 0 ? 0 : rounded;
}
