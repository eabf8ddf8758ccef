/**
 * Runs every worked example transcribed from Azure Stream Analytics' documentation
 * (test/fixtures/asaExamples.ts) through the engine's pure path: applyBatch on one partition, the units'
 * deltas merged, finalizeWindows over all time. An example that fails here is a semantic difference from
 * ASA, to be reported, never skipped.
 */
import { describe, expect, it } from 'vitest';

import type { EmittedRow } from '../../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob } from '../../../src/lib/engine/compileJob';
import { defaultEventOrderingPolicy } from '../../../src/lib/engine/eventOrderingPolicy';
import { e, type Expr } from '../../../src/lib/engine/expr';
import type { InputMessage } from '../../../src/lib/engine/inputMessage';
import type { JobDefinition, SelectItem, StatementDefinition } from '../../../src/lib/engine/job';
import { toEpochMs } from '../../../src/lib/engine/toEpochMs';
import { formatIsoUtc } from '../../../src/lib/engine/values';
import type { WindowSpec } from '../../../src/lib/engine/windows';
import { asaExamples, type AsaExample } from '../../fixtures/asaExamples';
import { applyBatches, finalizeAll, mergeUnitDeltas } from '../../support/enginePurePath';

/** Payload field the runner adds to carry the example's event time (TIMESTAMP BY EventTime). */
const EVENT_TIME_FIELD = 'EventTime';
/** Payload field the runner adds to tell the input events apart in per-event output. */
const EVENT_INDEX_FIELD = 'ExampleEventIndex';
const EVENT_TIMES_OUTPUT = 'EventTimes';

/**
 * Aggregate arguments that the examples' queries compute from a field before aggregating, by example name
 * and field. The data-conversion example sums CAST(Weight AS BIGINT) over string values.
 */
const argumentExpressions: Readonly<Record<string, Readonly<Record<string, Expr>>>> = {
  'query-patterns-data-conversion-sum': { Weight: e.call('CAST', e.field('Weight'), e.lit('bigint')) },
};

function aggregateExpr(example: AsaExample, a: AsaExample['aggregate'][number]): Expr {
  const arg =
    a.field === undefined ? undefined : (argumentExpressions[example.name]?.[a.field] ?? e.field(a.field));
  if (a.fn === 'count') return arg ? e.agg('count', arg) : e.countStar();
  if (!arg) throw new TypeError(`${example.name}: ${a.fn} needs a field`);
  return a.fn === 'countDistinct' ? e.agg('count', arg, true) : e.agg(a.fn, arg);
}

function jobFor(example: AsaExample): JobDefinition {
  const statements: StatementDefinition[] = [];
  if (example.window.kind !== 'none') {
    const aggregates: SelectItem[] = example.aggregate.map((a) => ({
      alias: a.as,
      expr: aggregateExpr(example, a),
    }));
    let having: Expr | undefined;
    if (example.having) {
      const target = aggregates.find((a) => a.alias === example.having!.column);
      if (!target) throw new TypeError(`${example.name}: having names no aggregate ${example.having.column}`);
      having = e.bin(example.having.op, target.expr, e.lit(example.having.value));
    }
    statements.push({
      output: 'Output',
      input: 'Input',
      groupBy: { keys: example.groupBy.map((k) => e.field(k)), window: example.window as WindowSpec },
      select: [
        { alias: 'windowEnd', expr: e.timestamp() },
        ...example.groupBy.map((k) => ({ alias: k, expr: e.field(k) })),
        ...aggregates,
      ],
      ...(having ? { having } : {}),
    });
  }
  if (example.expectedEventTimestamps) {
    statements.push({
      output: EVENT_TIMES_OUTPUT,
      input: 'Input',
      select: [
        { alias: 'Index', expr: e.field(EVENT_INDEX_FIELD) },
        { alias: 'Timestamp', expr: e.timestamp() },
      ],
    });
  }
  return {
    name: example.name,
    inputs: [{ name: 'Input', timestampBy: e.field(EVENT_TIME_FIELD), contract: 'none' }],
    eventOrdering: example.policy ?? defaultEventOrderingPolicy,
    statements,
  };
}

function messagesFor(example: AsaExample): InputMessage[] {
  return example.events.map((event, i) => {
    for (const k of Object.keys(event.payload)) {
      if ([EVENT_TIME_FIELD, EVENT_INDEX_FIELD].includes(k.toLowerCase()))
        throw new TypeError(`${example.name}: payload field ${k} clashes`);
    }
    const eventTimeMs = toEpochMs(event.eventTime);
    if (eventTimeMs === undefined) throw new TypeError(`${example.name}: bad eventTime ${event.eventTime}`);
    return {
      sequenceNumber: i,
      enqueuedTimeMs: event.arrivalTime === undefined ? eventTimeMs : toEpochMs(event.arrivalTime)!,
      body: JSON.stringify({ ...event.payload, [EVENT_TIME_FIELD]: event.eventTime, [EVENT_INDEX_FIELD]: i }),
    };
  });
}

/** Datetime strings compare as instants (the fixtures print them with 7 fractional digits). */
function comparableRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const instant = typeof v === 'string' ? toEpochMs(v) : undefined;
    out[k] = instant === undefined ? v : { instant: formatIsoUtc(instant) };
  }
  return out;
}

interface ExampleRun {
  windowRows: EmittedRow[];
  eventTimestamps: (string | null)[];
  droppedOrEarly: number;
}

function run(example: AsaExample, job: CompiledJob, batches: InputMessage[][]): ExampleRun {
  const { units, progress } = applyBatches(job, batches);
  const grouped = job.statements.find((s) => s.window !== undefined);
  const windowRows = grouped ? finalizeAll(grouped, mergeUnitDeltas(job, units, grouped.index)) : [];
  const byIndex = new Map<number, EmittedRow>();
  for (const u of units) {
    for (const r of u.eventRows)
      if (r.output === EVENT_TIMES_OUTPUT) byIndex.set(r.row['Index'] as number, r);
  }
  const eventTimestamps = example.events.map((_, i) => {
    const r = byIndex.get(i);
    if (!r) return null;
    expect(r.row['Timestamp']).toBe(formatIsoUtc(r.timestampMs));
    return r.row['Timestamp'] as string;
  });
  const c = progress.counters;
  return { windowRows, eventTimestamps, droppedOrEarly: c.lateDropped + c.outOfOrderDropped + c.early };
}

describe('ASA documentation examples', () => {
  it('are present, with unique names', () => {
    expect(asaExamples.length).toBeGreaterThan(0);
    expect(new Set(asaExamples.map((x) => x.name)).size).toBe(asaExamples.length);
  });

  it.each(asaExamples.map((x) => [x.name, x] as const))('%s', (_name, example) => {
    const job = compileJob(jobFor(example));
    const messages = messagesFor(example);
    const oneBatch = run(example, job, [messages]);

    const rows = oneBatch.windowRows.map((r) => {
      expect(r.row['windowEnd']).toBe(formatIsoUtc(r.timestampMs));
      return comparableRow(r.row);
    });
    expect(rows).toEqual(example.expected.map(comparableRow));

    if (example.expectedEventTimestamps) {
      expect(oneBatch.eventTimestamps).toEqual(example.expectedEventTimestamps);
      expect(oneBatch.droppedOrEarly).toBe(example.expectedEventTimestamps.filter((t) => t === null).length);
    }

    // Batch boundaries change nothing: every event in its own batch gives the same output.
    const oneByOne = run(
      example,
      job,
      messages.map((m) => [m]),
    );
    expect(oneByOne.windowRows).toEqual(oneBatch.windowRows);
    expect(oneByOne.eventTimestamps).toEqual(oneBatch.eventTimestamps);
  });
});
