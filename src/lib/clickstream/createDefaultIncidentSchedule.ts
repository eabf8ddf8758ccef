import { simulatedProductId, simulatedUserId } from './clickstreamIds';
import { INCIDENT_KINDS, isIncidentKind } from './incidentSchedule';
import type { Incident, IncidentKind, IncidentSchedule } from './incidentSchedule';
import { createSeededRandom } from './seededRandom';
import type { SeededRandom } from './seededRandom';

/** Options of {@link createDefaultIncidentSchedule}. */
export interface DefaultIncidentScheduleOptions {
  /** Any safe integer; the same seed and options always give the same schedule. */
  readonly seed: number;
  /** Start of the simulated span, in milliseconds since the Unix epoch (UTC); an integer from 0. */
  readonly startMs: number;
  /** Length of the simulated span in milliseconds, an integer from 1. */
  readonly durationMs: number;
  /** Number of users of the simulation, an integer from 1 (fraud keys are picked among them). */
  readonly users: number;
  /** Number of products of the simulation, an integer from 1 (product keys are picked among them). */
  readonly products: number;
  /** The incidents to schedule, one each, in any order; may repeat a kind. Default: every kind once. */
  readonly kinds?: readonly IncidentKind[];
}

/** Fraction of the span kept free of incidents at the start (warm-up) and at the end. */
const LEADING_MARGIN = 0.05;
const TRAILING_MARGIN = 0.1;

/**
 * A reproducible schedule with one incident per requested kind, spread over the span without overlap: the
 * span (minus a 5% warm-up at the start and 10% at the end) is cut into one slot per incident, the kinds are
 * shuffled into the slots, and each incident lasts 40% to 70% of its slot at a random place inside it.
 *
 * Keys: a `stockOut` hits one of the 3 most popular products, a `priceGlitch` one of the 20 most popular, a
 * `botStorm` a product outside the top 10 (so that the storm stands out), a `fraudBurst` either one user
 * (`user-N`, many cards) or one card (`pm-N-0`, many users) with equal chance. Intensities are left to the
 * simulator's defaults, which scale with its rate.
 *
 * @returns The incidents sorted by start.
 * @throws TypeError when `kinds` holds an unknown kind; RangeError when a number is out of range.
 */
export function createDefaultIncidentSchedule(options: DefaultIncidentScheduleOptions): IncidentSchedule {
  const seed = requireInteger('seed', options.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const startMs = requireInteger('startMs', options.startMs, 0, Number.MAX_SAFE_INTEGER);
  const durationMs = requireInteger('durationMs', options.durationMs, 1, Number.MAX_SAFE_INTEGER);
  const users = requireInteger('users', options.users, 1, Number.MAX_SAFE_INTEGER);
  const products = requireInteger('products', options.products, 1, Number.MAX_SAFE_INTEGER);
  const kinds = options.kinds ?? INCIDENT_KINDS;
  kinds.forEach((kind, index) => {
    if (!isIncidentKind(kind)) {
      throw new TypeError(
        `createDefaultIncidentSchedule: kinds[${index}] must be one of ${INCIDENT_KINDS.join(', ')}, ` +
          `received ${JSON.stringify(kind)}`,
      );
    }
  });

  const random = createSeededRandom(seed);
  // Steps away from the start of the sequence the simulator's own seeder begins with.
  for (let skip = 0; skip < 8; skip++) {
    random.nextUint32();
  }
  const order = [...kinds];
  for (let index = order.length - 1; index > 0; index--) {
    const other = random.nextInt(index + 1);
    [order[index], order[other]] = [order[other] as IncidentKind, order[index] as IncidentKind];
  }

  const usableStart = startMs + Math.floor(durationMs * LEADING_MARGIN);
  const usableLength = Math.max(1, Math.floor(durationMs * (1 - LEADING_MARGIN - TRAILING_MARGIN)));
  const slotLength = usableLength / Math.max(1, order.length);
  const incidents = order.map((kind, slot): Incident => {
    const length = Math.max(1, Math.floor(slotLength * (0.4 + 0.3 * random.nextFloat())));
    const offset = Math.floor(Math.max(0, slotLength - length) * random.nextFloat());
    const incidentStart = usableStart + Math.floor(slot * slotLength) + offset;
    const key = pickKey(kind, random, users, products);
    return key === undefined
      ? { kind, startMs: incidentStart, durationMs: length }
      : { kind, startMs: incidentStart, durationMs: length, key };
  });
  return incidents.sort((a, b) => a.startMs - b.startMs);
}

function pickKey(
  kind: IncidentKind,
  random: SeededRandom,
  users: number,
  products: number,
): string | undefined {
  const productRank = (from: number, to: number): string => {
    const low = Math.min(from, products - 1);
    const high = Math.max(low + 1, Math.min(to, products));
    return simulatedProductId(low + random.nextInt(high - low), products);
  };
  switch (kind) {
    case 'fraudBurst': {
      const user = random.nextInt(Math.min(users, 4_294_967_296));
      return random.nextBoolean(0.5) ? simulatedUserId(user, users) : `pm-${user}-0`;
    }
    case 'botStorm':
      return productRank(10, products);
    case 'stockOut':
      return productRank(0, 3);
    case 'priceGlitch':
      return productRank(0, 20);
    case 'cartAbandonmentSurge':
      return undefined;
  }
}

function requireInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`createDefaultIncidentSchedule: ${name} must be a number, received ${typeof value}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `createDefaultIncidentSchedule: ${name} must be an integer from ${min} to ${max}, received ${value}`,
    );
  }
  return value;
}
