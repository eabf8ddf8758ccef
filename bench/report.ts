import type { HotPathResult } from './hotPath';
import type { Summary } from './stats';
import type { EngineRunResult, NaiveRunResult } from './tableRuns';
import type { Verification } from './verify';
import type { WorkloadOptions } from './workload';

export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly measured: number;
  readonly pass: boolean;
}

export interface ReportInput {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly workload: WorkloadOptions;
  readonly batchSize: number;
  readonly eventTimeSpanSeconds: number;
  readonly hot: HotPathResult;
  readonly one: EngineRunResult;
  readonly four: EngineRunResult;
  readonly naive: NaiveRunResult;
  readonly verifyOne: Verification;
  readonly verifyFour: Verification;
  readonly checks: readonly TargetCheck[];
  readonly azuritePids: readonly number[];
  readonly pinned: boolean;
  readonly runtimeSeconds: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number, digits: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (n: number): string => `${num(n * 100, 1)}%`;
const pad = (s: string, w: number): string => s.padEnd(w);
const lpad = (s: string, w: number): string => s.padStart(w);
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');

const rate = (s: Summary): string =>
  `${lpad(int(s.median), 11)} events/CPU-s  (median; min ${int(s.min)}, max ${int(s.max)}, spread ${num(s.spreadPct, 1)}%)`;

function engineLines(title: string, r: EngineRunResult, v: Verification, naivePerEvent: number): string[] {
  const cpu = r.processCpuSeconds + (r.azuriteCpuSeconds ?? 0);
  const kinds = Object.entries(r.requestsByKind)
    .map(([k, n]) => `${k} ${int(n)}`)
    .join(', ');
  return [
    `   ${title}`,
    `     batches ${int(r.batches)}, commits ${int(r.commits)}, window rows ${int(r.windowRowsEmitted)}, dead letters ${int(r.deadLettered)}`,
    `     Table requests   ${int(r.requests)}  (${kinds})`,
    `     requests/event   ${num(r.requestsPerEvent, 5)}   naive/ours ${num(naivePerEvent / r.requestsPerEvent, 1)}x`,
    `     wall             ${num(r.wallSeconds, 2)} s  -> ${int(r.events / r.wallSeconds)} events/s`,
    `     CPU              process ${num(r.processCpuSeconds, 2)} s + Azurite ${
      r.azuriteCpuSeconds === undefined ? 'n/a' : `${num(r.azuriteCpuSeconds, 2)} s`
    }  -> ${int(r.events / cpu)} events/CPU-s (${int(r.events / r.processCpuSeconds)} per process CPU-s)`,
    `     ordering         lateAdjusted ${r.totals.lateAdjusted}, outOfOrderAdjusted ${r.totals.outOfOrderAdjusted}, early ${r.totals.early}`,
    `     correctness      ${v.ok ? 'OK' : 'MISMATCH'}: ${int(v.emittedRows)} rows / ${int(v.expectedRows)} expected, ${int(v.countedEvents)} events counted / ${int(v.expectedEvents)}`,
    ...v.problems.map((p) => `       MISMATCH ${p}`),
  ];
}

export function formatReport(i: ReportInput): string {
  const w = i.workload;
  const h = i.hot;
  const lines: string[] = [
    '',
    `ClickPulse benchmark   node ${i.node}, ${i.platform}, ${i.cpus} CPUs, runtime ${num(i.runtimeSeconds, 1)} s`,
    `Workload: ${int(w.events)} events, ${int(w.users)} users, ${int(w.products)} products (Zipf ${w.zipfExponent}), ` +
      `${int(w.eventsPerSecond)} events/s over ${num(i.eventTimeSpanSeconds, 1)} s of event time, seed ${w.seed}, ` +
      `batches of ${i.batchSize}; job: default (COUNT(*) per UserId, ProductId, 10 s tumbling)`,
    '',
    `1. Hot path, CPU time (process.cpuUsage), ${h.rounds} interleaved rounds, first dropped`,
    `   applyBatch  ${rate(h.applyBatch)}`,
    `   JSON.parse  ${rate(h.jsonParse)}`,
    `   ratio       ${lpad(pct(h.ratioOfMedians), 11)} of JSON.parse  (per round: ${h.ratioPerRound.samples
      .map((r) => pct(r))
      .join(', ')})`,
    '',
    '2./3. StreamEngine + TableStateStore on embedded Azurite, NoOp dead letters, collecting sink, flush() at end',
    ...engineLines('1 partition', i.one, i.verifyOne, i.naive.requestsPerEvent),
    ...engineLines('4 partitions, partitionKey = userId', i.four, i.verifyFour, i.naive.requestsPerEvent),
    `   naive: one upsertEntity per event, ${int(i.naive.events)} events, ${i.naive.concurrency} in flight`,
    `     Table requests   ${int(i.naive.requests)}  requests/event ${num(i.naive.requestsPerEvent, 3)}`,
    `     wall             ${num(i.naive.wallSeconds, 2)} s  -> ${int(i.naive.events / i.naive.wallSeconds)} events/s`,
    `     CPU              process ${num(i.naive.processCpuSeconds, 2)} s + Azurite ${
      i.naive.azuriteCpuSeconds === undefined ? 'n/a' : `${num(i.naive.azuriteCpuSeconds, 2)} s`
    }  -> ${int(i.naive.events / (i.naive.processCpuSeconds + (i.naive.azuriteCpuSeconds ?? 0)))} events/CPU-s`,
    `   Azurite CPU: ${
      i.azuritePids.length > 0
        ? `/proc/<pid>/stat of pid ${i.azuritePids.join(', ')} (found by /proc scan)`
        : 'NOT measured (pid not found); CPU figures are this process only'
    }; pinned with taskset: ${i.pinned ? 'yes (bench on CPU 0, Azurite on CPU 1)' : 'no'}`,
    '',
    'Targets',
    ...i.checks.map(
      (c) => `   ${verdict(c.pass)}  ${pad(c.name, 68)} ${lpad(String(c.measured), 9)}  (target ${c.target})`,
    ),
    '',
    `Correctness: ${i.verifyOne.ok && i.verifyFour.ok ? 'OK' : 'MISMATCH'} (engine rows equal the in-memory count per user, product and window)`,
    '',
  ];
  return lines.join('\n');
}
