/**
 * Evaluation of the fraud and behaviour rules on simulated incidents.
 *
 *     npm run eval:incidents
 *     npm run eval:incidents -- --hours 24 --rate 10 --seeds 1,2,3 --users 2000 --products 200 --bots 10
 *     npm run eval:incidents -- --hours 1 --azurite      the same path on Table Storage (embedded Azurite)
 *
 * A simulated day (default) with the simulator's default incidents (one of each kind, labelled) and its
 * background bots runs through the real ingest-side path: messages are split over Event Hubs partitions
 * by userId, cut into trigger batches (one per partition per simulated second, at most 256 messages),
 * and each batch goes through the app's ActivityObserver (createUserActivityWiring, mode 'local'): one
 * `applyActivity` per user per batch run by the LocalEntityExecutor on the same entity handler Durable
 * Functions runs, and the keyed (product, payment method, site) rules. Entity and rule state live in
 * memory by default (the Table adapters add only I/O; --azurite uses them). The stream engine and the
 * Blob archive are not part of this path and are not run.
 *
 * Matching: an anomaly matches a label when its rule belongs to the label's kind (below), its key equals
 * the label's key (site-wide labels match any key; an anomaly also matches through its
 * evidence.topProductId (botClickRate) or evidence.paymentMethodId (purchaseAmountSpike of a user paying
 * with a stolen card)), and its window end falls within [start, end + 15 min]. Background bots are
 * labelled too (kind `bot`, the whole run). Per kind: recall = labels detected / labels; precision =
 * anomalies matching a label of the kind / anomalies attributed to the kind (matched, or unmatched with a
 * rule the kind is the first to list); delay = first matching anomaly's detection (end of the batch that raised
 * it, simulated time) minus the label's start, median over detected labels.
 */
import { InvocationContext } from '@azure/functions';
import { startEmbeddedAzurite } from '../src/lib/adapters/azurite/embeddedAzurite';
import { InMemoryAnomalyStore } from '../src/lib/anomaly/anomalySink';
import type { AnomalyEvent } from '../src/lib/anomaly/anomalyEvent';
import { createUserActivityWiring } from '../src/lib/anomaly/userActivityWiring';
import type { EventHubBatch } from '../src/lib/app/eventHubBatch';
import { parseAppSettings } from '../src/lib/config/appSettings';
import { createDefaultIncidentSchedule } from '../src/lib/clickstream/createDefaultIncidentSchedule';
import { DEFAULT_DIURNAL_RATE_CURVE } from '../src/lib/clickstream/diurnalRateCurve';
import type { IncidentKind } from '../src/lib/clickstream/incidentSchedule';
import { createClickstreamSimulator } from '../src/lib/clickstream/simulator';
import { InMemoryDocumentStore } from '../src/lib/entities/documentStore';
import type { BatchSummary } from '../src/lib/engine/streamEngine';
import { partitionOf } from '../src/lib/replay/partitionOf';

type Kind = IncidentKind | 'bot';

/** The rules that detect each kind; an unmatched anomaly counts against the first kind listing its rule. */
export const RULES_BY_KIND: Readonly<Record<Kind, readonly string[]>> = {
  fraudBurst: ['paymentVelocity', 'manyPaymentMethods', 'purchaseAmountSpike', 'sharedPaymentMethod'],
  botStorm: ['botClickRate'],
  cartAbandonmentSurge: ['cartAbandonmentSurge'],
  stockOut: ['purchasesStopped', 'cartAbandonmentSurge'],
  priceGlitch: ['priceAnomaly', 'cartAbandonmentSurge'],
  bot: ['botClickRate'],
};
const KINDS: readonly Kind[] = [
  'fraudBurst',
  'botStorm',
  'cartAbandonmentSurge',
  'stockOut',
  'priceGlitch',
  'bot',
];
const GRACE_MS = 15 * 60_000;
const BATCH_MS = 1000;
const MAX_BATCH = 256;

interface Args {
  readonly hours: number;
  readonly rate: number;
  readonly seeds: readonly number[];
  readonly users: number;
  readonly products: number;
  readonly bots: number;
  readonly partitions: number;
  readonly azurite: boolean;
  readonly diurnal: boolean;
  /** List every unmatched anomaly. */
  readonly verbose: boolean;
}

interface Label {
  readonly kind: Kind;
  readonly key: string | null;
  readonly startMs: number;
  readonly endMs: number;
  readonly seed: number;
}

interface Detection {
  readonly event: AnomalyEvent;
  readonly detectedAtMs: number;
  readonly seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new RangeError(`--${name}: expected a number in ${min}..${max}, received ${raw}`);
    return n;
  };
  const users = num('users', 2000, 10, 1_000_000);
  const seeds = (value('seeds') ?? '1').split(',').map((s) => Number(s));
  if (seeds.some((s) => !Number.isSafeInteger(s)))
    throw new RangeError(`--seeds: expected integers, received ${value('seeds')}`);
  return {
    hours: num('hours', 24, 0.1, 24 * 7),
    rate: num('rate', 10, 0.1, 10_000),
    seeds,
    users,
    products: num('products', 200, 10, 1_000_000),
    bots: num('bots', Math.floor(users / 200), 0, 100_000),
    partitions: num('partitions', 4, 1, 64),
    azurite: argv.includes('--azurite'),
    diurnal: !argv.includes('--flat'),
    verbose: argv.includes('--verbose'),
  };
}

async function runSeed(
  args: Args,
  seed: number,
): Promise<{ labels: Label[]; detections: Detection[]; events: number; largestStateChars: number }> {
  const documents = new InMemoryDocumentStore();
  const startMs = Date.UTC(2026, 0, 5, 0, 0, 0);
  const durationMs = Math.round(args.hours * 3_600_000);
  const incidents = createDefaultIncidentSchedule({
    seed,
    startMs,
    durationMs,
    users: args.users,
    products: args.products,
  });
  const simulator = createClickstreamSimulator({
    seed,
    users: args.users,
    products: args.products,
    startTimeInMs: startMs,
    eventsPerSecond: args.rate,
    bots: args.bots,
    incidents,
    ...(args.diurnal ? { diurnalRateCurve: DEFAULT_DIURNAL_RATE_CURVE } : {}),
  });
  const azurite = args.azurite ? await startEmbeddedAzurite() : undefined;
  try {
    const settings = parseAppSettings({
      AzureWebJobsStorage: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
      EventHubConnection: 'eval (in-process simulator)',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_CONSUMER_GROUP: '$Default',
      EVENTHUB_PARTITION_COUNT: String(args.partitions),
      CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
    });
    let nowMs = startMs;
    const detections: Detection[] = [];
    const wiring = await createUserActivityWiring({
      mode: 'local',
      settings,
      connection: {
        kind: 'connectionString',
        connectionString: azurite?.connectionString ?? 'UseDevelopmentStorage=true',
      },
      alerts: {
        deliver(events) {
          for (const event of events) detections.push({ event, detectedAtMs: nowMs, seed });
          return Promise.resolve();
        },
      },
      ...(azurite ? {} : { stores: { anomalies: new InMemoryAnomalyStore(), documents } }),
    });
    const context = new InvocationContext({ functionName: 'ingestClickEvents', logHandler: () => undefined });
    const summary = {} as BatchSummary;
    const queues: EventHubBatch['messages'][] = Array.from({ length: args.partitions }, () => []);
    const nextSeq = queues.map(() => 0);
    const botUsers = new Set<string>();
    let events = 0;
    let sliceEnd = startMs + BATCH_MS;
    const flush = async (): Promise<void> => {
      nowMs = sliceEnd;
      for (let p = 0; p < queues.length; p++) {
        const queue = queues[p]!;
        for (let i = 0; i < queue.length; i += MAX_BATCH) {
          await wiring.observer.observe(
            { partitionId: String(p), messages: queue.slice(i, i + MAX_BATCH) },
            summary,
            context,
          );
        }
        queues[p] = [];
      }
    };
    const endMs = startMs + durationMs;
    for (;;) {
      const m = simulator.next();
      if (m.enqueuedTimeInMs >= endMs) break;
      while (m.enqueuedTimeInMs >= sliceEnd) {
        await flush();
        sliceEnd += BATCH_MS;
      }
      events++;
      if (m.origin === 'bot') botUsers.add(m.partitionKey);
      const p = partitionOf(m.partitionKey, args.partitions);
      queues[p]!.push({ sequenceNumber: nextSeq[p]!++, enqueuedTimeMs: m.enqueuedTimeInMs, body: m.body });
    }
    await flush();
    const labels: Label[] = [
      ...simulator.labels().map((l) => ({
        kind: l.kind,
        key: l.key,
        startMs: Date.parse(l.start),
        endMs: Date.parse(l.end),
        seed,
      })),
      ...[...botUsers].map((key) => ({ kind: 'bot' as const, key, startMs, endMs, seed })),
    ];
    const sizes = [...documents.scope('useractivity').values()].map((text) => text.length);
    return { labels, detections, events, largestStateChars: sizes.length ? Math.max(...sizes) : 0 };
  } finally {
    await azurite?.stop();
  }
}

function matches(label: Label, d: Detection): boolean {
  if (label.seed !== d.seed || !RULES_BY_KIND[label.kind].includes(d.event.rule)) return false;
  const end = Date.parse(d.event.windowEnd);
  if (end < label.startMs || end > label.endMs + GRACE_MS) return false;
  if (label.key === null) return true;
  const { topProductId, paymentMethodId } = d.event.evidence;
  return d.event.key === label.key || topProductId === label.key || paymentMethodId === label.key;
}

const median = (xs: readonly number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
};

const duration = (ms: number | undefined): string => {
  if (ms === undefined) return '-';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
};

function score(labels: readonly Label[], detections: readonly Detection[]): string[] {
  const rows: string[][] = [
    ['incident type', 'labels', 'detected', 'recall', 'anomalies', 'true', 'precision', 'median delay'],
  ];
  const attributed = new Map<Kind, { total: number; matched: number }>(
    KINDS.map((k) => [k, { total: 0, matched: 0 }]),
  );
  for (const d of detections) {
    const label = KINDS.map((k) => labels.find((l) => l.kind === k && matches(l, d))).find(
      (l) => l !== undefined,
    );
    const kind = label?.kind ?? KINDS.find((k) => RULES_BY_KIND[k].includes(d.event.rule)) ?? 'bot';
    const bucket = attributed.get(kind)!;
    bucket.total++;
    if (label) bucket.matched++;
  }
  let allLabels = 0;
  let allDetected = 0;
  let allTotal = 0;
  let allMatched = 0;
  for (const kind of KINDS) {
    const ofKind = labels.filter((l) => l.kind === kind);
    const delays = ofKind
      .map((l) => {
        const first = detections.filter((d) => matches(l, d)).map((d) => d.detectedAtMs - l.startMs);
        return first.length === 0 ? undefined : Math.min(...first);
      })
      .filter((x): x is number => x !== undefined);
    const { total, matched } = attributed.get(kind)!;
    allLabels += ofKind.length;
    allDetected += delays.length;
    allTotal += total;
    allMatched += matched;
    rows.push([
      kind === 'bot' ? 'bot (background)' : kind,
      String(ofKind.length),
      String(delays.length),
      ofKind.length ? (delays.length / ofKind.length).toFixed(2) : '-',
      String(total),
      String(matched),
      total ? (matched / total).toFixed(2) : '-',
      duration(median(delays.map((x) => Math.max(0, x)))),
    ]);
  }
  rows.push([
    'all',
    String(allLabels),
    String(allDetected),
    allLabels ? (allDetected / allLabels).toFixed(2) : '-',
    String(allTotal),
    String(allMatched),
    allTotal ? (allMatched / allTotal).toFixed(2) : '-',
    '',
  ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const labels: Label[] = [];
  const detections: Detection[] = [];
  let events = 0;
  let largestStateChars = 0;
  for (const seed of args.seeds) {
    const run = await runSeed(args, seed);
    largestStateChars = Math.max(largestStateChars, run.largestStateChars);
    labels.push(...run.labels);
    detections.push(...run.detections);
    events += run.events;
  }
  const lines = [
    `eval:incidents: ${args.hours} h simulated x ${args.seeds.length} seed(s) (${args.seeds.join(', ')}), ${args.rate} events/s` +
      `${args.diurnal ? ' (diurnal)' : ''}, ${args.users} users (${args.bots} bots), ${args.products} products, ` +
      `${args.partitions} partitions; ${events} events; state in ${args.azurite ? 'Table Storage (embedded Azurite)' : 'memory'}; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
    '',
    ...score(labels, detections),
    '',
    ...(args.azurite
      ? []
      : [`largest userActivity entity state: ${largestStateChars} characters of JSON`, '']),
    'labels (first detection):',
    ...labels
      .filter((l) => l.kind !== 'bot')
      .map((l) => {
        const first = detections
          .filter((d) => matches(l, d))
          .sort((a, b) => a.detectedAtMs - b.detectedAtMs)[0];
        return (
          `  seed ${l.seed} ${l.kind.padEnd(20)} ${String(l.key ?? '(site-wide)').padEnd(14)} ` +
          `${new Date(l.startMs).toISOString()} .. ${new Date(l.endMs).toISOString()}  ` +
          (first ? `${first.event.rule} after ${duration(first.detectedAtMs - l.startMs)}` : 'not detected')
        );
      }),
    '',
    'unmatched anomalies (rule: count):',
    ...Object.entries(
      detections
        .filter((d) => !labels.some((l) => matches(l, d)))
        .reduce<Record<string, number>>(
          (acc, d) => ({ ...acc, [d.event.rule]: (acc[d.event.rule] ?? 0) + 1 }),
          {},
        ),
    ).map(([rule, n]) => `  ${rule}: ${n}`),
    ...(args.verbose
      ? detections
          .filter((d) => !labels.some((l) => matches(l, d)))
          .map((d) => `    ${d.event.id} ${JSON.stringify(d.event.evidence)}`)
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
