/**
 * ClickPulse benchmark: hot path vs JSON.parse, Table requests per event vs one upsert per event, and
 * end-to-end events per CPU-second on an embedded Azurite, with a correctness check of the emitted rows.
 *
 *     npm run bench                  readable report on stdout
 *     npm run -s bench -- --json     one JSON object on stdout, everything else on stderr
 *
 * Options: --json, --no-pin (do not pin this process and Azurite to separate cores with taskset).
 * Exits non-zero only on a correctness mismatch (1) or a crash (2); a missed target is reported, not fatal.
 */
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../src/lib/adapters/azurite/embeddedAzurite';
import { compileJob } from '../src/lib/engine/compileJob';
import { defaultJob } from '../src/lib/engine/job';
import { commandLineOf, descendantPids, pinToCpu } from './cpu';
import { measureHotPath, type HotPathResult } from './hotPath';
import { formatReport, type TargetCheck } from './report';
import { roundSummary, sig } from './stats';
import { runEngine, runNaive, type EngineRunResult, type NaiveRunResult } from './tableRuns';
import { expectedCounts, verifyRows, type Verification } from './verify';
import { defaultWorkload, generateWorkload, routeToPartitions } from './workload';

const batchSize = 100;
const hotPathRounds = 10;
const naiveEvents = 5_000;
const naiveConcurrency = 8;
const targets = {
  hotPathRatioMin: 0.4,
  requestsPerEventMax: 0.01,
  naiveOverOursMin: 50,
};

interface Args {
  readonly json: boolean;
  readonly pin: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let json = false;
  let pin = true;
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--no-pin') pin = false;
    else throw new RangeError(`argument: expected --json or --no-pin, received ${a}`);
  }
  return { json, pin };
}

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

function engineJson(r: EngineRunResult, v: Verification) {
  const cpu = r.processCpuSeconds + (r.azuriteCpuSeconds ?? 0);
  return {
    events: r.events,
    partitions: r.partitions,
    partitionKey: r.partitions === 1 ? null : 'userId',
    batches: r.batches,
    commits: r.commits,
    tableRequests: r.requests,
    tableRequestsByKind: r.requestsByKind,
    tableRequestsPerEvent: sig(r.requestsPerEvent, 4),
    windowRowsEmitted: r.windowRowsEmitted,
    deadLettered: r.deadLettered,
    engineCounters: {
      inputEvents: r.totals.inputEvents,
      lateAdjusted: r.totals.lateAdjusted,
      outOfOrderAdjusted: r.totals.outOfOrderAdjusted,
      lateDropped: r.totals.lateDropped,
      outOfOrderDropped: r.totals.outOfOrderDropped,
      early: r.totals.early,
    },
    wallSeconds: sig(r.wallSeconds),
    processCpuSeconds: sig(r.processCpuSeconds),
    azuriteCpuSeconds: r.azuriteCpuSeconds === undefined ? null : sig(r.azuriteCpuSeconds),
    eventsPerWallSecond: sig(r.events / r.wallSeconds),
    eventsPerProcessCpuSecond: sig(r.events / r.processCpuSeconds),
    eventsPerCpuSecond: sig(r.events / cpu),
    cpuSecondsInclude: r.azuriteCpuSeconds === undefined ? 'process' : 'process+azurite',
    correctness: {
      ok: v.ok,
      expectedRows: v.expectedRows,
      emittedRows: v.emittedRows,
      expectedEvents: v.expectedEvents,
      countedEvents: v.countedEvents,
      problems: v.problems,
    },
  };
}

function naiveJson(r: NaiveRunResult) {
  const cpu = r.processCpuSeconds + (r.azuriteCpuSeconds ?? 0);
  return {
    events: r.events,
    concurrency: r.concurrency,
    tableRequests: r.requests,
    tableRequestsByKind: r.requestsByKind,
    tableRequestsPerEvent: sig(r.requestsPerEvent, 4),
    wallSeconds: sig(r.wallSeconds),
    eventsPerWallSecond: sig(r.events / r.wallSeconds),
    processCpuSeconds: sig(r.processCpuSeconds),
    azuriteCpuSeconds: r.azuriteCpuSeconds === undefined ? null : sig(r.azuriteCpuSeconds),
    eventsPerCpuSecond: sig(r.events / cpu),
  };
}

function hotPathJson(h: HotPathResult) {
  return {
    events: h.events,
    batchSize: h.batchSize,
    rounds: h.rounds,
    warmupRoundsDropped: h.warmupRoundsDropped,
    clock: 'process.cpuUsage (user+system)',
    applyBatchEventsPerCpuSecond: roundSummary(h.applyBatch),
    jsonParseEventsPerCpuSecond: roundSummary(h.jsonParse),
    ratioOfMedians: sig(h.ratioOfMedians, 4),
    ratioPerRound: roundSummary(h.ratioPerRound, 4),
    deltaGroupsPerPass: h.deltaGroupsPerPass,
    deadLettersPerPass: h.deadLettersPerPass,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const job = compileJob(defaultJob);

  log(`generating ${defaultWorkload.events} events (seed ${defaultWorkload.seed})`);
  const messages = generateWorkload(defaultWorkload);
  const expected = expectedCounts(messages);
  const first = messages[0]!;
  const last = messages[messages.length - 1]!;

  log(`hot path: ${hotPathRounds} alternating rounds of applyBatch and JSON.parse`);
  const hot = measureHotPath({ job, messages, batchSize, rounds: hotPathRounds });
  if (hot.deadLettersPerPass !== 0) throw new Error(`hot path: ${hot.deadLettersPerPass} dead letters`);

  log('starting embedded Azurite');
  let azurite: EmbeddedAzurite | undefined;
  let azuritePids: number[];
  let pinned = false;
  let one: EngineRunResult;
  let four: EngineRunResult;
  let naive: NaiveRunResult;
  try {
    azurite = await startEmbeddedAzurite();
    azuritePids = descendantPids(process.pid).filter((pid) => commandLineOf(pid).includes('azurite'));
    if (args.pin && availableParallelism() >= 2 && azuritePids.length > 0) {
      pinned = pinToCpu(process.pid, 0) && azuritePids.every((pid) => pinToCpu(pid, 1));
    }
    log(`Azurite pid(s): ${azuritePids.join(', ') || 'not found'}; pinned: ${pinned}`);
    const connectionString = azurite.connectionString;

    log('engine run: 1 partition');
    one = await runEngine({
      job,
      routed: routeToPartitions(messages, 1),
      partitions: 1,
      batchSize,
      connectionString,
      tableName: 'benchone',
      azuritePids,
      collectRows: true,
    });
    log('engine run: 4 partitions (partitionKey = userId)');
    four = await runEngine({
      job,
      routed: routeToPartitions(messages, 4),
      partitions: 4,
      batchSize,
      connectionString,
      tableName: 'benchfour',
      azuritePids,
      collectRows: true,
    });
    log(`naive run: one upsertEntity per event, ${naiveEvents} events, ${naiveConcurrency} in flight`);
    naive = await runNaive({
      messages: messages.slice(0, naiveEvents),
      connectionString,
      tableName: 'benchnaive',
      concurrency: naiveConcurrency,
      azuritePids,
    });
  } finally {
    await azurite?.stop();
  }

  const verifyOne = verifyRows(expected, one.rows);
  const verifyFour = verifyRows(expected, four.rows);
  const correct = verifyOne.ok && verifyFour.ok;

  const naiveOverOne = naive.requestsPerEvent / one.requestsPerEvent;
  const naiveOverFour = naive.requestsPerEvent / four.requestsPerEvent;
  const checks: TargetCheck[] = [
    {
      name: 'hot path applyBatch / JSON.parse (events per CPU-second, medians)',
      target: `>= ${targets.hotPathRatioMin}`,
      measured: sig(hot.ratioOfMedians, 3),
      pass: hot.ratioOfMedians >= targets.hotPathRatioMin,
    },
    {
      name: 'Table requests per event, 1 partition',
      target: `<= ${targets.requestsPerEventMax}`,
      measured: sig(one.requestsPerEvent, 4),
      pass: one.requestsPerEvent <= targets.requestsPerEventMax,
    },
    {
      name: 'Table requests per event, 4 partitions',
      target: `<= ${targets.requestsPerEventMax}`,
      measured: sig(four.requestsPerEvent, 4),
      pass: four.requestsPerEvent <= targets.requestsPerEventMax,
    },
    {
      name: 'naive / ours requests per event, 1 partition',
      target: `>= ${targets.naiveOverOursMin}`,
      measured: sig(naiveOverOne, 4),
      pass: naiveOverOne >= targets.naiveOverOursMin,
    },
    {
      name: 'naive / ours requests per event, 4 partitions',
      target: `>= ${targets.naiveOverOursMin}`,
      measured: sig(naiveOverFour, 4),
      pass: naiveOverFour >= targets.naiveOverOursMin,
    },
  ];

  const azuriteCpuIncluded = one.azuriteCpuSeconds !== undefined;
  const result = {
    benchmark: 'clickpulse',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    workload: {
      ...defaultWorkload,
      startTime: new Date(defaultWorkload.startTimeInMs).toISOString(),
      batchSize,
      job: defaultJob.name,
      eventTimeSpanSeconds: sig((last.enqueuedTimeMs - first.enqueuedTimeMs) / 1000),
      expectedWindowRows: expected.size,
    },
    hotPath: hotPathJson(hot),
    tableRequests: {
      onePartition: engineJson(one, verifyOne),
      fourPartitions: engineJson(four, verifyFour),
      naive: naiveJson(naive),
      naiveOverOursOnePartition: sig(naiveOverOne, 4),
      naiveOverOursFourPartitions: sig(naiveOverFour, 4),
    },
    endToEnd: {
      run: 'onePartition',
      events: one.events,
      eventsPerCpuSecond: sig(one.events / (one.processCpuSeconds + (one.azuriteCpuSeconds ?? 0))),
      eventsPerWallSecond: sig(one.events / one.wallSeconds),
      processCpuSeconds: sig(one.processCpuSeconds),
      azuriteCpuSeconds: one.azuriteCpuSeconds === undefined ? null : sig(one.azuriteCpuSeconds),
      azuriteCpuIncluded,
      azuriteCpuSource: azuriteCpuIncluded
        ? `/proc/<pid>/stat utime+stime of Azurite child pid(s) ${azuritePids.join(',')}, found by scanning /proc`
        : 'not available: embeddedAzurite does not expose its pid and /proc scan found none; process CPU only',
      pinnedWithTaskset: pinned,
    },
    targets: checks,
    allTargetsPass: checks.every((c) => c.pass),
    correctness: { ok: correct, onePartition: verifyOne.ok, fourPartitions: verifyFour.ok },
    runtimeSeconds: sig((performance.now() - started) / 1000, 3),
  };

  const report = formatReport({
    node: process.version,
    platform: result.platform,
    cpus: result.cpus,
    workload: defaultWorkload,
    batchSize,
    eventTimeSpanSeconds: result.workload.eventTimeSpanSeconds,
    hot,
    one,
    four,
    naive,
    verifyOne,
    verifyFour,
    checks,
    azuritePids,
    pinned,
    runtimeSeconds: result.runtimeSeconds,
  });
  if (args.json) {
    process.stderr.write(report);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(report);
  }
  if (!correct) {
    process.stderr.write(
      '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
        '!!! MISMATCH: the engine emitted rows that differ from the in-memory count !!!\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench] CRASH: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
