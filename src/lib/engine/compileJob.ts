import type { AggregateKind } from './aggregates/aggregate';
import { compileExpr, type EvalContext, type Evaluator } from './compileExpr';
import type { Expr } from './expr';
import {
  defaultMaxEventSizeInBytes,
  exprKey,
  validateJob,
  type JobDefinition,
  type StatementDefinition,
} from './job';
import { toOutputValue, type EventRecord } from './values';
import type { WindowSpec } from './windows';

export interface CompiledInput {
  readonly name: string;
  /** Evaluates TIMESTAMP BY; absent when arrival time is the event time. */
  readonly timestampBy: Evaluator | undefined;
  /** True when TIMESTAMP BY is the clickstream contract's own eventTime field, which decoding parses. */
  readonly timestampIsContractEventTime: boolean;
  readonly contract: 'clickstream' | 'none';
  readonly maxEventSizeInBytes: number;
}

export interface CompiledAggregate {
  readonly kind: AggregateKind;
  /** The argument; absent for COUNT(*). */
  readonly arg: Evaluator | undefined;
}

export interface CompiledStatement {
  /** Position in the job; names the statement's state in storage. */
  readonly index: number;
  readonly output: string;
  readonly definition: StatementDefinition;
  readonly where: Evaluator | undefined;
  /** Present for GROUP BY statements. */
  readonly window: WindowSpec | undefined;
  readonly keys: readonly Evaluator[];
  readonly aggregates: readonly CompiledAggregate[];
  /** Builds a grouped output row; undefined when HAVING rejects the group. */
  projectGroup(
    keyValues: readonly unknown[],
    aggregateValues: readonly unknown[],
    timestampMs: number,
  ): OutputRow | undefined;
  /** Builds a per-event output row (statements without GROUP BY). */
  projectEvent(record: EventRecord, timestampMs: number): OutputRow;
}

/** An output row: column name to JSON value (datetimes already ISO-8601 UTC with milliseconds). */
export type OutputRow = Record<string, unknown>;

export interface CompiledJob {
  readonly definition: JobDefinition;
  readonly input: CompiledInput;
  readonly statements: readonly CompiledStatement[];
  /** The distinct output names, in statement order. */
  readonly outputs: readonly string[];
}

const aggregateKind = (node: Extract<Expr, { kind: 'aggregate' }>): AggregateKind => {
  if (node.fn === 'count')
    return node.arg === undefined ? 'countStar' : node.distinct ? 'countDistinct' : 'count';
  return node.fn;
};

function compileStatement(def: StatementDefinition, index: number): CompiledStatement {
  const where = def.where ? compileExpr(def.where) : undefined;
  if (!def.groupBy) {
    const select = def.select;
    const columns =
      select === '*'
        ? undefined
        : select.map((item) => ({ alias: item.alias, evaluate: compileExpr(item.expr) }));
    return {
      index,
      output: def.output,
      definition: def,
      where,
      window: undefined,
      keys: [],
      aggregates: [],
      projectGroup: () => {
        throw new TypeError(`statement ${index}: projectGroup called on a statement without GROUP BY`);
      },
      projectEvent: (record, timestampMs) => {
        if (!columns) return { ...record };
        const ctx: EvalContext = { record, timestampMs };
        const row: OutputRow = {};
        for (const c of columns) row[c.alias] = toOutputValue(c.evaluate(ctx));
        return row;
      },
    };
  }
  const keyExprs = def.groupBy.keys;
  const keyIndex = new Map(keyExprs.map((k, i) => [exprKey(k), i] as const));
  const aggregates: CompiledAggregate[] = [];
  const slots = new Map<string, number>();
  const options = {
    resolveAggregate: (node: Extract<Expr, { kind: 'aggregate' }>): number => {
      const key = exprKey(node);
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = aggregates.length;
        slots.set(key, slot);
        aggregates.push({ kind: aggregateKind(node), arg: node.arg ? compileExpr(node.arg) : undefined });
      }
      return slot;
    },
    substitute: (node: Expr): Evaluator | undefined => {
      const i = keyIndex.get(exprKey(node));
      return i === undefined ? undefined : (ctx: EvalContext) => ctx.groupKeys?.[i] ?? null;
    },
  };
  if (def.select === '*') throw new TypeError(`statement ${index}: SELECT * with GROUP BY`);
  const columns = def.select.map((item) => ({
    alias: item.alias,
    evaluate: compileExpr(item.expr, options),
  }));
  const having = def.having ? compileExpr(def.having, options) : undefined;
  const empty: EventRecord = {};
  return {
    index,
    output: def.output,
    definition: def,
    where,
    window: def.groupBy.window,
    keys: keyExprs.map((k) => compileExpr(k)),
    aggregates,
    projectGroup: (groupKeys, aggregateValues, timestampMs) => {
      const ctx: EvalContext = { record: empty, timestampMs, aggregates: aggregateValues, groupKeys };
      if (having && having(ctx) !== true) return undefined;
      const row: OutputRow = {};
      for (const c of columns) row[c.alias] = toOutputValue(c.evaluate(ctx));
      return row;
    },
    projectEvent: () => {
      throw new TypeError(`statement ${index}: projectEvent called on a GROUP BY statement`);
    },
  };
}

/** Validates and compiles a job; throws one RangeError that lists every problem. */
export function compileJob(definition: JobDefinition): CompiledJob {
  validateJob(definition);
  const input = definition.inputs[0]!;
  const statements = definition.statements.map(compileStatement);
  return {
    definition,
    input: {
      name: input.name,
      timestampBy: input.timestampBy ? compileExpr(input.timestampBy) : undefined,
      timestampIsContractEventTime:
        input.contract === 'clickstream' &&
        input.timestampBy?.kind === 'field' &&
        input.timestampBy.path.length === 1 &&
        input.timestampBy.path[0]!.toLowerCase() === 'eventtime',
      contract: input.contract,
      maxEventSizeInBytes: input.maxEventSizeInBytes ?? defaultMaxEventSizeInBytes,
    },
    statements,
    outputs: [...new Set(statements.map((s) => s.output))],
  };
}
