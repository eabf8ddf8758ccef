import { applyBatch } from '../src/lib/engine/applyBatch';
import type { CompiledJob } from '../src/lib/engine/compileJob';
import type { InputMessage } from '../src/lib/engine/inputMessage';
import { createPartitionProgress } from '../src/lib/engine/state/partitionProgress';
import { processCpuSeconds } from './cpu';
import { summarize, type Summary } from './stats';
import type { WorkloadMessage } from './workload';

export interface HotPathOptions {
  readonly job: CompiledJob;
  readonly messages: readonly WorkloadMessage[];
  readonly batchSize: number;
  /** Alternating rounds, the first of which is dropped as warm-up. */
  readonly rounds: number;
}

export interface HotPathResult {
  readonly events: number;
  readonly batchSize: number;
  readonly rounds: number;
  readonly warmupRoundsDropped: number;
  /** Events per CPU-second of applyBatch, over the kept rounds. */
  readonly applyBatch: Summary;
  /** Events per CPU-second of JSON.parse of the same bodies, over the kept rounds. */
  readonly jsonParse: Summary;
  /** median(applyBatch) / median(jsonParse). */
  readonly ratioOfMedians: number;
  /** applyBatch / jsonParse of each kept round. */
  readonly ratioPerRound: Summary;
  /** Window-key accumulators touched per pass: a checksum that keeps the work observable. */
  readonly deltaGroupsPerPass: number;
  readonly deadLettersPerPass: number;
}

/** One pass of the hot path over all messages: fresh progress, carried from unit to unit. */
function applyPass(job: CompiledJob, batches: readonly InputMessage[][]): { groups: number; dead: number } {
  let progress = createPartitionProgress('0');
  let groups = 0;
  let dead = 0;
  for (const batch of batches) {
    const clockMs = batch[batch.length - 1]!.enqueuedTimeMs;
    const units = applyBatch(job, progress, batch, clockMs);
    for (const u of units) {
      dead += u.deadLetters.length;
      for (const deltas of u.deltas.values()) {
        for (const bucket of deltas.values()) for (const g of bucket.values()) groups += g.size;
      }
    }
    const last = units[units.length - 1];
    if (last) progress = last.progress;
  }
  const expected = batches.reduce((n, b) => n + b.length, 0) - 1;
  if (progress.lastSeq !== expected) {
    throw new Error(`hot path: expected lastSeq ${expected} after a pass, received ${progress.lastSeq}`);
  }
  return { groups, dead };
}

/** One pass of the baseline: JSON.parse of every body, touching one field so that nothing is elided. */
function parsePass(bodies: readonly string[]): number {
  let n = 0;
  for (const body of bodies) {
    const value = JSON.parse(body) as { userId?: unknown };
    if (typeof value.userId === 'string') n++;
  }
  return n;
}

function timed<T>(work: () => T): { cpuSeconds: number; result: T } {
  const before = processCpuSeconds();
  const result = work();
  return { cpuSeconds: processCpuSeconds() - before, result };
}

export function measureHotPath(o: HotPathOptions): HotPathResult {
  if (o.rounds < 2) throw new RangeError(`rounds: expected at least 2, received ${o.rounds}`);
  const bodies = o.messages.map((m) => m.body);
  const batches: InputMessage[][] = [];
  for (let i = 0; i < o.messages.length; i += o.batchSize) {
    batches.push(
      o.messages.slice(i, i + o.batchSize).map((m, j) => ({
        sequenceNumber: i + j,
        enqueuedTimeMs: m.enqueuedTimeMs,
        body: m.body,
      })),
    );
  }
  const events = bodies.length;
  const applyRates: number[] = [];
  const parseRates: number[] = [];
  let groups = 0;
  let dead = 0;
  for (let round = 0; round < o.rounds; round++) {
    const runApply = (): number => {
      const t = timed(() => applyPass(o.job, batches));
      groups = t.result.groups;
      dead = t.result.dead;
      return events / t.cpuSeconds;
    };
    const runParse = (): number => {
      const t = timed(() => parsePass(bodies));
      if (t.result !== events)
        throw new Error(`JSON.parse pass: expected ${events} userIds, got ${t.result}`);
      return events / t.cpuSeconds;
    };
    // Alternate which goes first, so that neither always runs on a warmer (or more fragmented) heap.
    let a: number;
    let p: number;
    if (round % 2 === 0) {
      a = runApply();
      p = runParse();
    } else {
      p = runParse();
      a = runApply();
    }
    if (round === 0) continue;
    applyRates.push(a);
    parseRates.push(p);
  }
  const applySummary = summarize(applyRates);
  const parseSummary = summarize(parseRates);
  return {
    events,
    batchSize: o.batchSize,
    rounds: o.rounds,
    warmupRoundsDropped: 1,
    applyBatch: applySummary,
    jsonParse: parseSummary,
    ratioOfMedians: applySummary.median / parseSummary.median,
    ratioPerRound: summarize(applyRates.map((r, i) => r / parseRates[i]!)),
    deltaGroupsPerPass: groups,
    deadLettersPerPass: dead,
  };
}
