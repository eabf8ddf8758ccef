import { ALWAYS_REQUIRED_CLICK_EVENT_FIELDS, REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE } from './clickEvent';
import type { ClickDevice, ClickEventType } from './clickEvent';
import { simulatedIdIndex, simulatedProductId, simulatedUserId } from './clickstreamIds';
import { advanceAlongDiurnalRateCurve, diurnalRateCurveProblem } from './diurnalRateCurve';
import type { DiurnalRateCurve } from './diurnalRateCurve';
import {
  INCIDENT_INTENSITY_RANGES,
  INCIDENT_KINDS,
  isIncidentKind,
  MAX_INCIDENT_DURATION_IN_MS,
} from './incidentSchedule';
import type { Incident, IncidentKind, IncidentLabel, IncidentSchedule } from './incidentSchedule';
import { createSeededRandom } from './seededRandom';
import type { SeededRandom } from './seededRandom';
import { createZipfSampler } from './zipfSampler';

/** Options of {@link createClickstreamSimulator}. */
export interface ClickstreamSimulatorOptions {
  /** Any safe integer; the same seed and options always give the same messages. */
  readonly seed: number;
  /** Number of distinct users (bots included), an integer from 1 to 10,000,000. */
  readonly users: number;
  /** Number of distinct products, an integer from 1 to 1,000,000. */
  readonly products: number;
  /** Number of product categories, an integer from 1 to 10,000. Default 12. */
  readonly categories?: number;
  /**
   * Zipf exponent of product popularity, a number from 0 (uniform) to 20. Default 1.1. The product with
   * index 0 (`product-0000...`) is the most popular, index 1 the next, and so on.
   */
  readonly zipfExponent?: number;
  /** Event time of the first event, in milliseconds since the Unix epoch (0 to year 9000). */
  readonly startTimeInMs: number;
  /**
   * Mean rate of the Poisson arrival process of human sessions' events, in events per second of event time,
   * above 0 to 1,000,000. With `diurnalRateCurve`, the rate at multiplier 1.
   */
  readonly eventsPerSecond: number;
  /**
   * Makes the human traffic follow a daily shape: the rate at an instant is `eventsPerSecond` times the
   * curve's multiplier for that UTC time (see `DEFAULT_DIURNAL_RATE_CURVE`). Default: none, a constant rate.
   * Bots and incidents keep their own rates.
   */
  readonly diurnalRateCurve?: DiurnalRateCurve;
  /**
   * Number of bot users among `users`, an integer from 0 to min(users - 1, 100,000). Default 0. Bots have
   * ordinary `user-N` ids (picked from the seed) but no sessions and no funnel: they click and view
   * products all over the catalogue (uniformly, not by popularity), without `sessionId`, at
   * `botClicksPerSecond` each, day and night.
   */
  readonly bots?: number;
  /** Mean events per second of each bot, above 0 to 1,000. Default 0.5 (a human session: about 0.05). */
  readonly botClicksPerSecond?: number;
  /**
   * Incidents to inject (see `incidentSchedule.ts` for their keys, intensities and effects). Default: none.
   * Their ground truth is available from {@link ClickstreamSimulator.labels}.
   */
  readonly incidents?: IncidentSchedule;
  /**
   * Fraction (0 to 1) of events whose event time is moved into the past by 1 to `maxOutOfOrderDelayInMs`
   * milliseconds, as if the client had buffered them, so that they arrive after later events. Default 0.
   */
  readonly outOfOrderFractionOfEvents?: number;
  /** Largest such shift in milliseconds, an integer from 1 to 604,800,000 (7 days). Default 10,000. */
  readonly maxOutOfOrderDelayInMs?: number;
  /**
   * Fraction (0 to 1) of messages whose body is not JSON or breaks the contract, for dead-letter testing.
   * Default 0.
   */
  readonly malformedFraction?: number;
}

/** Every way {@link createClickstreamSimulator} breaks a message body. */
export const CLICKSTREAM_MALFORMATIONS = [
  'not_json',
  'not_an_object',
  'missing_required_field',
  'wrong_type',
  'invalid_event_time',
  'unknown_event_type',
  'out_of_bounds',
  'duplicate_field',
] as const;

/** One way a simulated message body is broken. */
export type ClickstreamMalformation = (typeof CLICKSTREAM_MALFORMATIONS)[number];

/** Where a simulated message that does not come from a human session came from. */
export type SimulatedMessageOrigin = 'bot' | IncidentKind;

/** One simulated event hub message. */
export interface SimulatedMessage {
  /** UTF-8 JSON text of a `ClickEvent`, or a broken body when `malformation` is set. */
  readonly body: string;
  /**
   * When the event hub accepted the message, in milliseconds since the Unix epoch: the event's undelayed
   * event time plus a network delay of 5 to 199 ms, never earlier than the previous message's. Messages come
   * in non-decreasing order of this time.
   */
  readonly enqueuedTimeInMs: number;
  /** The userId of the event (also for broken bodies). */
  readonly partitionKey: string;
  /** Present only on deliberately broken bodies: how the body was broken. Ground truth for tests. */
  readonly malformation?: ClickstreamMalformation;
  /**
   * Present only on messages that no human session produced: `'bot'` for the background bots, or the kind
   * of the incident that injected the message (`fraudBurst`, `botStorm`). Ground truth for tests; incidents
   * that change human behaviour (stock-out, price glitch, abandonment) leave it absent.
   */
  readonly origin?: SimulatedMessageOrigin;
}

/** A deterministic, unbounded source of simulated clickstream messages. */
export interface ClickstreamSimulator {
  /** Produces the next message. */
  next(): SimulatedMessage;
  /**
   * Produces the next `count` messages.
   * @throws RangeError when `count` is not a non-negative safe integer.
   */
  take(count: number): SimulatedMessage[];
  /** Number of messages produced so far. */
  readonly producedCount: number;
  /**
   * The undelayed event time of the last message produced (before any out-of-order shift), in milliseconds
   * since the Unix epoch, not rounded; `startTimeInMs` before the first. Never decreases.
   */
  readonly currentTimeInMs: number;
  /**
   * Ground truth of every scheduled incident, sorted by start, with the keys the simulator picked for
   * incidents scheduled without one. Labels describe the schedule, including incidents not reached yet.
   */
  labels(): IncidentLabel[];
}

const MAX_USERS = 10_000_000;
const MAX_PRODUCTS = 1_000_000;
const MAX_CATEGORIES = 10_000;
const MAX_EVENTS_PER_SECOND = 1_000_000;
const MAX_OUT_OF_ORDER_DELAY_IN_MS = 7 * 24 * 60 * 60 * 1000;
/** 9000-01-01T00:00:00Z, leaving room for the simulation to run without leaving four-digit years. */
const MAX_START_TIME_IN_MS = 221_845_392_000_000;
/** Mean time between two events of one active session, in milliseconds; sets how many sessions overlap. */
const MEAN_THINK_TIME_IN_MS = 20_000;
const MAX_CONCURRENT_SESSIONS = 100_000;
/** A session ends after this many events at the latest. */
const MAX_EVENTS_PER_SESSION = 250;
const MIN_NETWORK_DELAY_IN_MS = 5;
const NETWORK_DELAY_SPREAD_IN_MS = 195;

interface Market {
  readonly country: string;
  readonly currency: string;
  /** Units of `currency` per euro. */
  readonly eurRate: number;
  /** Digits after the decimal point of `currency`. */
  readonly minorDigits: number;
  readonly weight: number;
}

const MARKETS: readonly Market[] = [
  { country: 'US', currency: 'USD', eurRate: 1.08, minorDigits: 2, weight: 30 },
  { country: 'DE', currency: 'EUR', eurRate: 1, minorDigits: 2, weight: 12 },
  { country: 'GB', currency: 'GBP', eurRate: 0.86, minorDigits: 2, weight: 10 },
  { country: 'FR', currency: 'EUR', eurRate: 1, minorDigits: 2, weight: 8 },
  { country: 'IN', currency: 'INR', eurRate: 90, minorDigits: 2, weight: 8 },
  { country: 'BR', currency: 'BRL', eurRate: 5.4, minorDigits: 2, weight: 6 },
  { country: 'JP', currency: 'JPY', eurRate: 160, minorDigits: 0, weight: 6 },
  { country: 'CA', currency: 'CAD', eurRate: 1.47, minorDigits: 2, weight: 5 },
  { country: 'NL', currency: 'EUR', eurRate: 1, minorDigits: 2, weight: 4 },
  { country: 'ES', currency: 'EUR', eurRate: 1, minorDigits: 2, weight: 4 },
  { country: 'AU', currency: 'AUD', eurRate: 1.63, minorDigits: 2, weight: 3 },
  { country: 'SE', currency: 'SEK', eurRate: 11.4, minorDigits: 2, weight: 2 },
  { country: 'PL', currency: 'PLN', eurRate: 4.3, minorDigits: 2, weight: 2 },
];

const DEVICE_WEIGHTS: readonly (readonly [ClickDevice, number])[] = [
  ['mobile', 52],
  ['desktop', 33],
  ['app', 8],
  ['tablet', 6],
  ['other', 1],
];

const SEARCH_ADJECTIVES = [
  'red',
  'black',
  'wireless',
  'organic',
  'leather',
  'vintage',
  'cheap',
  'kids',
  'large',
  'smart',
];
const SEARCH_NOUNS = [
  'shoes',
  'headphones',
  'jacket',
  'coffee',
  'lamp',
  'backpack',
  'watch',
  'phone case',
  'yoga mat',
  'blender',
];

type SessionStep = ClickEventType | 'end';

/**
 * The funnel: weights of the next step after each event type (and at the start of a session). Steps that are
 * impossible at that point (checkout or removal with an empty cart) fall back to `page_view`.
 */
const TRANSITIONS: Readonly<Record<ClickEventType | 'start', readonly (readonly [SessionStep, number])[]>> = {
  start: [
    ['page_view', 80],
    ['product_view', 12],
    ['search', 8],
  ],
  page_view: [
    ['click', 42],
    ['page_view', 22],
    ['search', 16],
    ['product_view', 8],
    ['end', 12],
  ],
  search: [
    ['click', 58],
    ['search', 16],
    ['page_view', 16],
    ['end', 10],
  ],
  click: [
    ['product_view', 86],
    ['page_view', 8],
    ['end', 6],
  ],
  product_view: [
    ['page_view', 30],
    ['product_view', 16],
    ['click', 16],
    ['search', 14],
    ['add_to_cart', 9],
    ['end', 15],
  ],
  add_to_cart: [
    ['page_view', 32],
    ['checkout_start', 22],
    ['search', 16],
    ['remove_from_cart', 10],
    ['end', 20],
  ],
  remove_from_cart: [
    ['page_view', 45],
    ['checkout_start', 20],
    ['search', 15],
    ['end', 20],
  ],
  checkout_start: [
    ['purchase', 68],
    ['payment_failed', 12],
    ['end', 20],
  ],
  payment_failed: [
    ['purchase', 45],
    ['payment_failed', 15],
    ['end', 40],
  ],
  purchase: [
    ['page_view', 25],
    ['end', 75],
  ],
};

interface Session {
  readonly userIndex: number;
  readonly userId: string;
  readonly sessionId: string;
  readonly device: ClickDevice;
  readonly market: Market;
  lastType: ClickEventType | undefined;
  /** The product index last clicked or viewed. */
  currentProduct: number | undefined;
  /** Quantity by product index. */
  readonly cart: Map<number, number>;
  orderId: string | undefined;
  eventCount: number;
  /** A product that must leave the cart with the next `remove_from_cart` (a stock-out), if any. */
  forcedRemoval: number | undefined;
}

/** A mutable event under construction, serialized to the body. */
type EventRecord = Record<string, unknown>;

/** An order a fraud burst is paying for. */
interface FraudOrder {
  readonly userIndex: number;
  readonly sessionId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly market: Market;
  failedAttempts: number;
}

/** An incident as the simulator runs it: validated, with its key resolved. */
interface RunningIncident {
  readonly kind: IncidentKind;
  readonly startMs: number;
  readonly endMs: number;
  /** The label key: a userId, productId or paymentMethodId; null when site-wide. */
  readonly key: string | null;
  readonly intensity: number;
  /** The product of a botStorm, stockOut or priceGlitch; -1 otherwise. */
  readonly productIndex: number;
  /** The user of a fraudBurst keyed by user; -1 otherwise. */
  readonly userIndex: number;
  /** The payment method of a fraudBurst keyed by payment method. */
  readonly paymentMethodId: string | undefined;
  /** The incident's own stream: its injected events and its effects on sessions. */
  readonly random: SeededRandom;
}

/** A Poisson source of messages besides the human sessions: the bots, or an injecting incident. */
interface InjectedSource {
  readonly origin: SimulatedMessageOrigin;
  readonly random: SeededRandom;
  /** Undelayed time of its next message, in ms since the epoch; Infinity when it has no more. */
  nextTimeInMs: number;
  /** Builds the next message's event; advances the source's state but not `nextTimeInMs`. */
  build(eventId: string, eventTime: string): EventRecord;
  /** Moves `nextTimeInMs` to the following message. */
  advance(): void;
}

const MAX_BOTS = 100_000;
const MAX_BOT_CLICKS_PER_SECOND = 1_000;
/** Share of freshly picked products that go to a product whose price glitched (the deal spreads). */
const GLITCH_VIEW_SHARE = 0.1;
/** Chance that a session viewing a glitched product puts it in the cart next. */
const GLITCH_ADD_TO_CART_PROBABILITY = 0.5;
/** Share of a fraud burst's payments that fail (card testing). */
const FRAUD_FAILURE_PROBABILITY = 0.8;
/** A fraud order is given up after this many failed payments. */
const FRAUD_MAX_FAILED_ATTEMPTS = 5;
const PAYMENT_METHOD_PATTERN = /^pm-[A-Za-z0-9_-]{1,125}$/;

/**
 * Creates a deterministic clickstream simulator.
 *
 * Model: a Poisson process of `eventsPerSecond` (optionally shaped by `diurnalRateCurve`) picks, for each
 * event, one of a pool of concurrently active sessions (about `eventsPerSecond` x 20 s of them, at most the
 * number of human users). Each session belongs to one user (a user has at most one active session), has one
 * device and the user's country and currency, and walks the funnel table `TRANSITIONS`: page views, clicks
 * on product tiles followed by product views, searches, cart changes, checkout, purchase or failed payment
 * (with retries); abandonment is any step to `end`. When a session ends, its slot is taken by a new session
 * of a user picked uniformly among the inactive ones. Products are drawn from a Zipf distribution; unit
 * prices are log-normal around 25 EUR, converted to the user's currency.
 *
 * Bots and injecting incidents (fraud bursts, bot storms) are further Poisson processes merged in time
 * order with the sessions' events; the other incidents change what sessions do while they are active
 * (see `incidentSchedule.ts`). Incident windows apply to the undelayed event time.
 *
 * Ids are deterministic: `evt-<seed>-<message index>`, `ses-<seed>-<n>`, `ord-<seed>-<n>`, `user-<index>`,
 * `product-<index>`, `category-<index>`, `pm-<user index>-<n>`. Behaviour, catalogue, faults, bots and
 * incidents use separate random streams, so turning out-of-order or malformed fractions on does not change
 * which events are simulated, and without bots and incidents the sessions are the same as before they
 * existed.
 *
 * @throws TypeError when an option is not a number (or an incident kind or key not a string); RangeError
 * when it is out of range.
 */
export function createClickstreamSimulator(options: ClickstreamSimulatorOptions): ClickstreamSimulator {
  const seed = requireInteger('seed', options.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const users = requireInteger('users', options.users, 1, MAX_USERS);
  const products = requireInteger('products', options.products, 1, MAX_PRODUCTS);
  const categories = requireInteger('categories', options.categories ?? 12, 1, MAX_CATEGORIES);
  const zipfExponent = requireNumber('zipfExponent', options.zipfExponent ?? 1.1, 0, 20);
  const startTimeInMs = requireInteger('startTimeInMs', options.startTimeInMs, 0, MAX_START_TIME_IN_MS);
  const eventsPerSecond = requireNumber('eventsPerSecond', options.eventsPerSecond, 0, MAX_EVENTS_PER_SECOND);
  if (eventsPerSecond === 0) {
    throw new RangeError('createClickstreamSimulator: eventsPerSecond must be above 0');
  }
  const outOfOrderFraction = requireNumber(
    'outOfOrderFractionOfEvents',
    options.outOfOrderFractionOfEvents ?? 0,
    0,
    1,
  );
  const maxOutOfOrderDelayInMs = requireInteger(
    'maxOutOfOrderDelayInMs',
    options.maxOutOfOrderDelayInMs ?? 10_000,
    1,
    MAX_OUT_OF_ORDER_DELAY_IN_MS,
  );
  const malformedFraction = requireNumber('malformedFraction', options.malformedFraction ?? 0, 0, 1);
  const diurnalRateCurve = options.diurnalRateCurve;
  if (diurnalRateCurve !== undefined) {
    const problem = diurnalRateCurveProblem(diurnalRateCurve);
    if (problem !== undefined) {
      const error = Array.isArray(diurnalRateCurve) ? RangeError : TypeError;
      throw new error(`createClickstreamSimulator: diurnalRateCurve: ${problem}`);
    }
  }
  const bots = requireInteger('bots', options.bots ?? 0, 0, Math.min(users - 1, MAX_BOTS));
  const botClicksPerSecond = requireNumber(
    'botClicksPerSecond',
    options.botClicksPerSecond ?? 0.5,
    0,
    MAX_BOT_CLICKS_PER_SECOND,
  );
  if (botClicksPerSecond === 0) {
    throw new RangeError('createClickstreamSimulator: botClicksPerSecond must be above 0');
  }
  const schedule: IncidentSchedule = options.incidents ?? [];
  if (!isArray(schedule)) {
    throw new TypeError(
      `createClickstreamSimulator: incidents must be an array, received ${typeof schedule}`,
    );
  }

  const seeder = createSeededRandom(seed);
  const nextStreamSeed = (): number => seeder.nextUint32() + 4_294_967_296 * (seeder.nextUint32() & 0x1fffff);
  const behaviour = createSeededRandom(nextStreamSeed());
  const catalogue = createSeededRandom(nextStreamSeed());
  const faults = createSeededRandom(nextStreamSeed());
  const botRandom = createSeededRandom(nextStreamSeed());
  const incidentRandom = createSeededRandom(nextStreamSeed());
  const seedTag = seed < 0 ? `n${-seed}` : String(seed);

  const productSampler = createZipfSampler({ size: products, exponent: zipfExponent });
  const categoryWidth = Math.max(2, String(categories - 1).length);
  const priceInEurByProduct = new Float64Array(products);
  const categoryByProduct = new Uint32Array(products);
  for (let product = 0; product < products; product++) {
    priceInEurByProduct[product] = roundTo(
      clamp(Math.exp(Math.log(25) + standardNormal(catalogue)), 0.5, 20_000),
      2,
    );
    categoryByProduct[product] = catalogue.nextInt(categories);
  }
  const productId = (product: number): string => simulatedProductId(product, products);
  const userId = (user: number): string => simulatedUserId(user, users);
  const categoryName = (category: number): string =>
    `category-${String(category).padStart(categoryWidth, '0')}`;
  const marketWeights = MARKETS.map((market) => market.weight);
  // The market is a property of the user, so it comes from a hash of the user, not from a stream.
  const marketOf = (user: number): Market =>
    MARKETS[weightedIndex(hashToUnitInterval(seed, user), marketWeights)] as Market;

  // A partial Fisher-Yates shuffle moves the bots to the front; without bots every user stays in place.
  const userOrder = new Uint32Array(users);
  for (let slot = 0; slot < users; slot++) {
    userOrder[slot] = slot;
  }
  for (let slot = 0; slot < bots; slot++) {
    const other = slot + botRandom.nextInt(users - slot);
    const user = userOrder[other] as number;
    userOrder[other] = userOrder[slot] as number;
    userOrder[slot] = user;
  }
  const botUsers = userOrder.slice(0, bots);
  const humans = users - bots;
  // Slots 0 .. poolSize-1 of userBySlot hold the humans with an active session; the rest are inactive.
  const userBySlot = userOrder.subarray(bots);

  const poolSize = Math.min(
    humans,
    MAX_CONCURRENT_SESSIONS,
    Math.max(1, Math.ceil((eventsPerSecond * MEAN_THINK_TIME_IN_MS) / 1000)),
  );
  let sessionCounter = 0;
  let orderCounter = 0;
  const startSession = (slot: number): Session => {
    if (humans > poolSize) {
      const swapWith = poolSize + behaviour.nextInt(humans - poolSize);
      const inactive = userBySlot[swapWith] as number;
      userBySlot[swapWith] = userBySlot[slot] as number;
      userBySlot[slot] = inactive;
    }
    const userIndex = userBySlot[slot] as number;
    return {
      userIndex,
      userId: userId(userIndex),
      sessionId: `ses-${seedTag}-${sessionCounter++}`,
      device: pickWeighted(behaviour, DEVICE_WEIGHTS),
      market: marketOf(userIndex),
      lastType: undefined,
      currentProduct: undefined,
      cart: new Map(),
      orderId: undefined,
      eventCount: 0,
      forcedRemoval: undefined,
    };
  };
  // The first sessions take the first poolSize users in a shuffled order, since startSession swaps.
  const sessions: Session[] = [];
  for (let slot = 0; slot < poolSize; slot++) {
    sessions.push(startSession(slot));
  }

  const incidents = schedule.map((incident, index) =>
    startIncident(incident, index, {
      users,
      products,
      eventsPerSecond,
      random: incidentRandom,
      pickHuman: () => userBySlot[incidentRandom.nextInt(humans)] as number,
      userId,
      productId,
    }),
  );
  const glitches = incidents.filter((incident) => incident.kind === 'priceGlitch');
  const sessionIncidents = incidents.filter(
    (incident) =>
      incident.kind === 'priceGlitch' ||
      incident.kind === 'stockOut' ||
      incident.kind === 'cartAbandonmentSurge',
  );
  /** The undelayed event time of the message being built; incidents are active by it. */
  let nowInMs = startTimeInMs;
  const isActive = (incident: RunningIncident): boolean =>
    nowInMs >= incident.startMs && nowInMs < incident.endMs;

  const chooseFunnelStep = (session: Session): SessionStep => {
    if (session.eventCount >= MAX_EVENTS_PER_SESSION) {
      return 'end';
    }
    const step = pickWeighted(behaviour, TRANSITIONS[session.lastType ?? 'start']);
    if ((step === 'checkout_start' || step === 'remove_from_cart') && session.cart.size === 0) {
      return 'page_view';
    }
    if ((step === 'purchase' || step === 'payment_failed') && session.orderId === undefined) {
      return 'page_view';
    }
    return step;
  };

  /** The funnel step, changed by the active price glitches, abandonment surges and stock-outs. */
  const chooseStep = (session: Session): SessionStep => {
    let step = chooseFunnelStep(session);
    if (sessionIncidents.length === 0 || step === 'end') {
      return step;
    }
    for (const incident of sessionIncidents) {
      if (
        incident.kind === 'priceGlitch' &&
        isActive(incident) &&
        session.lastType === 'product_view' &&
        session.currentProduct === incident.productIndex &&
        incident.random.nextBoolean(GLITCH_ADD_TO_CART_PROBABILITY)
      ) {
        step = 'add_to_cart';
      }
    }
    const paying = step === 'checkout_start' || step === 'purchase' || step === 'payment_failed';
    for (const incident of sessionIncidents) {
      if (!isActive(incident)) {
        continue;
      }
      if (incident.kind === 'cartAbandonmentSurge') {
        if (paying && incident.random.nextBoolean(incident.intensity)) {
          return 'end';
        }
      } else if (incident.kind === 'stockOut') {
        if (
          step === 'add_to_cart' &&
          session.currentProduct === incident.productIndex &&
          incident.random.nextBoolean(incident.intensity)
        ) {
          return 'page_view'; // "out of stock": the user browses on
        }
        if (
          paying &&
          session.cart.has(incident.productIndex) &&
          incident.random.nextBoolean(incident.intensity)
        ) {
          session.forcedRemoval = incident.productIndex;
          return 'remove_from_cart';
        }
      }
    }
    // A cart emptied by a stock-out is not paid for.
    return paying && session.cart.size === 0 ? 'page_view' : step;
  };

  /** The price factor of the active price glitches of `product` (1 without any). */
  const priceFactor = (product: number): number => {
    let factor = 1;
    for (const incident of glitches) {
      if (incident.productIndex === product && isActive(incident)) {
        factor *= incident.intensity;
      }
    }
    return factor;
  };

  const unitPrice = (market: Market, product: number): number => {
    const price = (priceInEurByProduct[product] as number) * market.eurRate;
    const factor = glitches.length === 0 ? 1 : priceFactor(product);
    return roundTo(factor === 1 ? price : price * factor, market.minorDigits);
  };

  /** A product picked by popularity, or now and then one whose price glitched. */
  const sampleProduct = (): number => {
    for (const incident of glitches) {
      if (isActive(incident) && incident.random.nextBoolean(GLITCH_VIEW_SHARE)) {
        return incident.productIndex;
      }
    }
    return productSampler.sample(behaviour);
  };

  const cartTotal = (session: Session): number => {
    let total = 0;
    for (const [product, quantity] of session.cart) {
      total += unitPrice(session.market, product) * quantity;
    }
    return roundTo(total, session.market.minorDigits);
  };

  const describeProduct = (record: EventRecord, market: Market, product: number): void => {
    record.productId = productId(product);
    record.category = categoryName(categoryByProduct[product] as number);
    record.price = unitPrice(market, product);
    record.currency = market.currency;
  };

  const pageFor = (session: Session): string => {
    if (session.lastType === 'purchase' && session.orderId !== undefined) {
      return `/orders/${session.orderId}/confirmation`;
    }
    const roll = behaviour.nextInt(100);
    if (roll < 25) {
      return '/';
    }
    if (roll < 75) {
      return `/category/${categoryName(behaviour.nextInt(categories))}`;
    }
    if (roll < 87) {
      return '/deals';
    }
    if (roll < 95) {
      return session.cart.size > 0 ? '/cart' : '/account';
    }
    return '/help';
  };

  const searchQuery = (): string => {
    const noun = SEARCH_NOUNS[behaviour.nextInt(SEARCH_NOUNS.length)] as string;
    return behaviour.nextBoolean(0.6)
      ? `${SEARCH_ADJECTIVES[behaviour.nextInt(SEARCH_ADJECTIVES.length)]} ${noun}`
      : noun;
  };

  /** Applies `type` to the session state and returns the event fields that depend on it. */
  const buildEvent = (session: Session, type: ClickEventType, record: EventRecord): void => {
    switch (type) {
      case 'page_view':
        record.page = pageFor(session);
        if (session.lastType === 'purchase') {
          session.orderId = undefined;
        }
        break;
      case 'search':
        record.searchQuery = searchQuery();
        break;
      case 'click': {
        // A click on the product being viewed (gallery, reviews), or on a product tile of a listing.
        const product =
          session.lastType === 'product_view' && session.currentProduct !== undefined
            ? session.currentProduct
            : sampleProduct();
        session.currentProduct = product;
        record.productId = productId(product);
        record.category = categoryName(categoryByProduct[product] as number);
        break;
      }
      case 'product_view': {
        const product =
          session.lastType === 'click' && session.currentProduct !== undefined
            ? session.currentProduct
            : sampleProduct();
        session.currentProduct = product;
        describeProduct(record, session.market, product);
        break;
      }
      case 'add_to_cart': {
        const product = session.currentProduct ?? sampleProduct();
        const roll = behaviour.nextInt(100);
        const quantity = roll < 80 ? 1 : roll < 95 ? 2 : 3 + behaviour.nextInt(3);
        session.cart.set(product, (session.cart.get(product) ?? 0) + quantity);
        describeProduct(record, session.market, product);
        record.quantity = quantity;
        break;
      }
      case 'remove_from_cart': {
        const forced = session.forcedRemoval;
        if (forced !== undefined) {
          session.forcedRemoval = undefined;
          describeProduct(record, session.market, forced);
          record.quantity = session.cart.get(forced);
          session.cart.delete(forced);
          break;
        }
        let index = behaviour.nextInt(session.cart.size);
        for (const [product, inCart] of session.cart) {
          if (index-- === 0) {
            const quantity = 1 + behaviour.nextInt(inCart);
            if (quantity === inCart) {
              session.cart.delete(product);
            } else {
              session.cart.set(product, inCart - quantity);
            }
            describeProduct(record, session.market, product);
            record.quantity = quantity;
            break;
          }
        }
        break;
      }
      case 'checkout_start':
        session.orderId = `ord-${seedTag}-${orderCounter++}`;
        record.orderId = session.orderId;
        record.amount = cartTotal(session);
        record.currency = session.market.currency;
        break;
      case 'purchase':
      case 'payment_failed':
        record.orderId = session.orderId;
        record.amount = cartTotal(session);
        record.currency = session.market.currency;
        record.paymentMethodId = `pm-${session.userIndex}-${behaviour.nextInt(1 + (session.userIndex % 3))}`;
        if (type === 'purchase') {
          session.cart.clear();
        }
        break;
    }
  };

  /** An event of a user outside any funnel session: bots, storms. */
  const productEvent = (
    random: SeededRandom,
    user: number,
    product: number,
    eventId: string,
    eventTime: string,
  ): EventRecord => {
    const market = marketOf(user);
    const record: EventRecord = {
      eventId,
      eventType: random.nextBoolean(0.85) ? 'click' : 'product_view',
      eventTime,
      userId: userId(user),
    };
    if (record.eventType === 'click') {
      record.productId = productId(product);
      record.category = categoryName(categoryByProduct[product] as number);
    } else {
      describeProduct(record, market, product);
    }
    // Scripts mostly announce themselves as "other"; some pose as desktop browsers.
    record.device = hashToUnitInterval(seed ^ 0x5bd1e995, user) < 0.6 ? 'other' : 'desktop';
    record.country = market.country;
    return record;
  };

  const poissonSource = (
    origin: SimulatedMessageOrigin,
    random: SeededRandom,
    eventsPerSecondOfSource: number,
    fromMs: number,
    untilMs: number,
    build: InjectedSource['build'],
  ): InjectedSource => {
    const meanGap = 1000 / eventsPerSecondOfSource;
    const gap = (): number => -Math.log(1 - random.nextFloat()) * meanGap;
    const first = fromMs + gap();
    const source: InjectedSource = {
      origin,
      random,
      nextTimeInMs: first < untilMs ? first : Number.POSITIVE_INFINITY,
      build,
      advance() {
        const following = source.nextTimeInMs + gap();
        source.nextTimeInMs = following < untilMs ? following : Number.POSITIVE_INFINITY;
      },
    };
    return source;
  };

  const fraudSource = (incident: RunningIncident): InjectedSource => {
    const random = incident.random;
    let order: FraudOrder | undefined;
    let userSessionId: string | undefined;
    let cards = 0;
    return poissonSource(
      'fraudBurst',
      random,
      incident.intensity,
      incident.startMs,
      incident.endMs,
      (eventId, eventTime) => {
        if (order === undefined) {
          // One user with one session trying many cards, or one card used by many users.
          const user = incident.userIndex >= 0 ? incident.userIndex : random.nextInt(users);
          const sessionId =
            incident.userIndex >= 0
              ? (userSessionId ??= `ses-${seedTag}-${sessionCounter++}`)
              : `ses-${seedTag}-${sessionCounter++}`;
          const market = marketOf(user);
          // Expensive, resellable goods: 150 to 2,000 EUR.
          const amount = roundTo((150 + 1850 * random.nextFloat()) * market.eurRate, market.minorDigits);
          order = {
            userIndex: user,
            sessionId,
            orderId: `ord-${seedTag}-${orderCounter++}`,
            amount,
            market,
            failedAttempts: 0,
          };
          return {
            eventId,
            eventType: 'checkout_start',
            eventTime,
            userId: userId(user),
            sessionId,
            orderId: order.orderId,
            amount,
            currency: market.currency,
            device: 'desktop',
            country: market.country,
          };
        }
        const current = order;
        const failed = random.nextBoolean(FRAUD_FAILURE_PROBABILITY);
        if (failed) {
          current.failedAttempts++;
        }
        if (!failed || current.failedAttempts >= FRAUD_MAX_FAILED_ATTEMPTS || incident.userIndex < 0) {
          order = undefined;
        }
        return {
          eventId,
          eventType: failed ? 'payment_failed' : 'purchase',
          eventTime,
          userId: userId(current.userIndex),
          sessionId: current.sessionId,
          orderId: current.orderId,
          amount: current.amount,
          currency: current.market.currency,
          paymentMethodId: incident.paymentMethodId ?? `pm-${current.userIndex}-${3 + cards++}`,
          device: 'desktop',
          country: current.market.country,
        };
      },
    );
  };

  const stormSource = (incident: RunningIncident): InjectedSource => {
    const random = incident.random;
    const stormUsers = Array.from({ length: 2 + random.nextInt(4) }, () => random.nextInt(users));
    return poissonSource(
      'botStorm',
      random,
      incident.intensity,
      incident.startMs,
      incident.endMs,
      (eventId, eventTime) =>
        productEvent(
          random,
          stormUsers[random.nextInt(stormUsers.length)] as number,
          incident.productIndex,
          eventId,
          eventTime,
        ),
    );
  };

  const injectedSources: InjectedSource[] = [];
  if (bots > 0) {
    injectedSources.push(
      poissonSource(
        'bot',
        botRandom,
        bots * botClicksPerSecond,
        startTimeInMs,
        Number.POSITIVE_INFINITY,
        (eventId, eventTime) =>
          // Crawlers walk the whole catalogue, not the popular products.
          productEvent(
            botRandom,
            botUsers[botRandom.nextInt(bots)] as number,
            botRandom.nextInt(products),
            eventId,
            eventTime,
          ),
      ),
    );
  }
  for (const incident of incidents) {
    if (incident.kind === 'fraudBurst') {
      injectedSources.push(fraudSource(incident));
    } else if (incident.kind === 'botStorm') {
      injectedSources.push(stormSource(incident));
    }
  }

  const labels: IncidentLabel[] = incidents
    .map((incident) => ({
      kind: incident.kind,
      key: incident.key,
      start: new Date(incident.startMs).toISOString(),
      end: new Date(incident.endMs).toISOString(),
      startMs: incident.startMs,
    }))
    .sort((a, b) => a.startMs - b.startMs)
    .map(({ kind, key, start, end }) => ({ kind, key, start, end }));

  /** Time of the sessions' last event, and of their next one once drawn. */
  let sessionTimeInMs = startTimeInMs;
  let nextSessionTimeInMs: number | undefined = startTimeInMs;
  let lastEnqueuedTimeInMs = Number.NEGATIVE_INFINITY;
  let producedCount = 0;
  const meanGapInMs = 1000 / eventsPerSecond;

  const next = (): SimulatedMessage => {
    const messageIndex = producedCount++;
    if (nextSessionTimeInMs === undefined) {
      const workInMs = -Math.log(1 - behaviour.nextFloat()) * meanGapInMs;
      nextSessionTimeInMs =
        diurnalRateCurve === undefined
          ? sessionTimeInMs + workInMs
          : advanceAlongDiurnalRateCurve(diurnalRateCurve, sessionTimeInMs, workInMs);
    }
    // The earliest other source strictly before the sessions' next event (ties go to the sessions).
    let source: InjectedSource | undefined;
    for (const candidate of injectedSources) {
      if (candidate.nextTimeInMs < (source?.nextTimeInMs ?? nextSessionTimeInMs)) {
        source = candidate;
      }
    }

    let session: Session | undefined;
    let step: ClickEventType | undefined;
    if (source === undefined) {
      nowInMs = nextSessionTimeInMs;
      sessionTimeInMs = nextSessionTimeInMs;
      nextSessionTimeInMs = undefined;
      const slot = behaviour.nextInt(poolSize);
      let current = sessions[slot] as Session;
      let chosen = chooseStep(current);
      while (chosen === 'end') {
        current = startSession(slot);
        sessions[slot] = current;
        chosen = chooseStep(current);
      }
      session = current;
      step = chosen;
    } else {
      nowInMs = source.nextTimeInMs;
    }

    const random = source?.random ?? behaviour;
    const undelayedTimeInMs = Math.floor(nowInMs);
    const networkDelayInMs = MIN_NETWORK_DELAY_IN_MS + random.nextInt(NETWORK_DELAY_SPREAD_IN_MS);
    const enqueuedTimeInMs = Math.max(lastEnqueuedTimeInMs, undelayedTimeInMs + networkDelayInMs);
    lastEnqueuedTimeInMs = enqueuedTimeInMs;
    const eventTimeInMs = faults.nextBoolean(outOfOrderFraction)
      ? undelayedTimeInMs - 1 - faults.nextInt(maxOutOfOrderDelayInMs)
      : undelayedTimeInMs;
    const eventId = `evt-${seedTag}-${messageIndex}`;
    const eventTime = new Date(eventTimeInMs).toISOString();

    let record: EventRecord;
    if (source === undefined) {
      const current = session as Session;
      const type = step as ClickEventType;
      record = { eventId, eventType: type, eventTime, userId: current.userId, sessionId: current.sessionId };
      buildEvent(current, type, record);
      record.device = current.device;
      record.country = current.market.country;
      current.lastType = type;
      current.eventCount++;
    } else {
      record = source.build(eventId, eventTime);
      source.advance();
    }
    const partitionKey = record.userId as string;
    const origin = source === undefined ? {} : { origin: source.origin };

    if (faults.nextBoolean(malformedFraction)) {
      const malformation = CLICKSTREAM_MALFORMATIONS[
        faults.nextInt(CLICKSTREAM_MALFORMATIONS.length)
      ] as ClickstreamMalformation;
      return {
        body: breakBody(record, malformation, faults),
        enqueuedTimeInMs,
        partitionKey,
        malformation,
        ...origin,
      };
    }
    return { body: JSON.stringify(record), enqueuedTimeInMs, partitionKey, ...origin };
  };

  return {
    next,
    take(count) {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new RangeError(`take: count must be a non-negative safe integer, received ${count}`);
      }
      const messages: SimulatedMessage[] = [];
      for (let index = 0; index < count; index++) {
        messages.push(next());
      }
      return messages;
    },
    get producedCount() {
      return producedCount;
    },
    get currentTimeInMs() {
      return nowInMs;
    },
    labels() {
      return labels.map((label) => ({ ...label }));
    },
  };
}

/** What {@link startIncident} needs from the simulator. */
interface IncidentContext {
  readonly users: number;
  readonly products: number;
  readonly eventsPerSecond: number;
  /** The stream keys are picked from and incidents' own streams are seeded from. */
  readonly random: SeededRandom;
  /** A human (non-bot) user index, drawn from `random`. */
  readonly pickHuman: () => number;
  readonly userId: (user: number) => string;
  readonly productId: (product: number) => string;
}

/** Validates one scheduled incident and resolves its key and intensity. */
function startIncident(incident: Incident, index: number, context: IncidentContext): RunningIncident {
  const where = `incidents[${index}]`;
  if (typeof incident !== 'object' || incident === null) {
    throw new TypeError(
      `createClickstreamSimulator: ${where} must be an object, received ${typeof incident}`,
    );
  }
  const kind: unknown = incident.kind;
  if (!isIncidentKind(kind)) {
    throw new TypeError(
      `createClickstreamSimulator: ${where}.kind must be one of ${INCIDENT_KINDS.join(', ')}, ` +
        `received ${JSON.stringify(kind)}`,
    );
  }
  const startMs = requireInteger(`${where}.startMs`, incident.startMs, 0, MAX_START_TIME_IN_MS);
  const durationMs = requireInteger(
    `${where}.durationMs`,
    incident.durationMs,
    1,
    MAX_INCIDENT_DURATION_IN_MS,
  );
  const range = INCIDENT_INTENSITY_RANGES[kind];
  let intensity: number;
  if (incident.intensity === undefined) {
    intensity = defaultIntensity(kind, context.eventsPerSecond);
  } else {
    intensity = requireNumber(`${where}.intensity`, incident.intensity, range.min, range.max);
    if (range.minExclusive && intensity === range.min) {
      throw new RangeError(`createClickstreamSimulator: ${where}.intensity must be above ${range.min}`);
    }
  }
  const rawKey: unknown = incident.key;
  if (rawKey !== undefined && typeof rawKey !== 'string') {
    throw new TypeError(
      `createClickstreamSimulator: ${where}.key must be a string, received ${typeof rawKey}`,
    );
  }
  const { random, users, products } = context;
  let key: string | null = null;
  let productIndex = -1;
  let userIndex = -1;
  let paymentMethodId: string | undefined;
  switch (kind) {
    case 'cartAbandonmentSurge':
      if (rawKey !== undefined) {
        throw new RangeError(
          `createClickstreamSimulator: ${where}.key must be absent for a site-wide cartAbandonmentSurge, ` +
            `received ${JSON.stringify(rawKey)}`,
        );
      }
      break;
    case 'fraudBurst':
      if (rawKey === undefined) {
        userIndex = context.pickHuman();
      } else if (rawKey.startsWith('pm-')) {
        if (!PAYMENT_METHOD_PATTERN.test(rawKey)) {
          throw new RangeError(
            `createClickstreamSimulator: ${where}.key must be a payment method id "pm-" followed by 1 to 125 ` +
              `letters, digits, "-" or "_", received ${JSON.stringify(rawKey)}`,
          );
        }
        paymentMethodId = rawKey;
      } else {
        userIndex = simulatedIdIndex(rawKey, 'user-', users) ?? -1;
        if (userIndex < 0) {
          throw new RangeError(
            `createClickstreamSimulator: ${where}.key must be a userId user-0 to user-${users - 1} or a ` +
              `paymentMethodId pm-..., received ${JSON.stringify(rawKey)}`,
          );
        }
      }
      key = paymentMethodId ?? context.userId(userIndex);
      break;
    case 'botStorm':
    case 'stockOut':
    case 'priceGlitch':
      if (rawKey === undefined) {
        // Stock-outs hit a bestseller, glitches a popular product, storms a product that is otherwise quiet.
        const [from, to] = kind === 'stockOut' ? [0, 3] : kind === 'priceGlitch' ? [0, 20] : [10, products];
        const low = Math.min(from, products - 1);
        const high = Math.max(low + 1, Math.min(to, products));
        productIndex = low + random.nextInt(high - low);
      } else {
        productIndex = simulatedIdIndex(rawKey, 'product-', products) ?? -1;
        if (productIndex < 0) {
          throw new RangeError(
            `createClickstreamSimulator: ${where}.key must be a productId product-0 to ` +
              `product-${products - 1}, received ${JSON.stringify(rawKey)}`,
          );
        }
      }
      key = context.productId(productIndex);
      break;
  }
  const streamSeed = random.nextUint32() + 4_294_967_296 * (random.nextUint32() & 0x1fffff);
  return {
    kind,
    startMs,
    endMs: startMs + durationMs,
    key,
    intensity,
    productIndex,
    userIndex,
    paymentMethodId,
    random: createSeededRandom(streamSeed),
  };
}

/** The intensity of an incident scheduled without one; see the table in `incidentSchedule.ts`. */
function defaultIntensity(kind: IncidentKind, eventsPerSecond: number): number {
  switch (kind) {
    case 'fraudBurst':
      return Math.max(0.5, eventsPerSecond * 0.02);
    case 'botStorm':
      return Math.max(2, eventsPerSecond * 0.1);
    case 'cartAbandonmentSurge':
      return 0.8;
    case 'stockOut':
      return 1;
    case 'priceGlitch':
      return 0.01;
  }
}

/** Turns a valid event into a body that fails JSON parsing or `validateClickEvent` in the given way. */
function breakBody(record: EventRecord, malformation: ClickstreamMalformation, random: SeededRandom): string {
  const broken: EventRecord = { ...record };
  switch (malformation) {
    case 'not_json': {
      // A strict prefix of an object's JSON text never closes the object.
      const text = JSON.stringify(record);
      return text.slice(0, 1 + random.nextInt(text.length - 1));
    }
    case 'not_an_object':
      // An array of events, or the event JSON encoded twice (a JSON string).
      return random.nextBoolean(0.5) ? JSON.stringify([record]) : JSON.stringify(JSON.stringify(record));
    case 'missing_required_field': {
      const required = [
        ...ALWAYS_REQUIRED_CLICK_EVENT_FIELDS,
        ...REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE[record.eventType as ClickEventType],
      ];
      const field = required[random.nextInt(required.length)] as string;
      if (random.nextBoolean(0.5)) {
        delete broken[field];
      } else {
        broken[field] = null;
      }
      break;
    }
    case 'wrong_type': {
      const candidates: (() => void)[] = [
        () => (broken.eventTime = Date.parse(record.eventTime as string)),
        () => (broken.userId = Number((record.userId as string).slice('user-'.length))),
      ];
      for (const field of ['price', 'amount', 'quantity'] as const) {
        if (typeof record[field] === 'number') {
          candidates.push(() => (broken[field] = String(record[field])));
        }
      }
      (candidates[random.nextInt(candidates.length)] as () => void)();
      break;
    }
    case 'invalid_event_time': {
      const time = record.eventTime as string; // YYYY-MM-DDTHH:mm:ss.sssZ
      const variants = [
        time.slice(0, -1), // no offset
        time.replace('T', ' '),
        `${time.slice(0, 5)}13${time.slice(7)}`, // month 13
        `${time.slice(0, 5)}02-30${time.slice(10)}`, // 30 February
        `${time.slice(0, 11)}24${time.slice(13)}`, // hour 24
        `${time.slice(0, -1)}00000Z`, // 8 fractional digits
        time.slice(0, 10), // date only
      ];
      broken.eventTime = variants[random.nextInt(variants.length)];
      break;
    }
    case 'unknown_event_type': {
      const variants = ['pageView', 'PURCHASE', 'purchase_completed', '', 'view'];
      broken.eventType = variants[random.nextInt(variants.length)];
      break;
    }
    case 'out_of_bounds': {
      const candidates: (() => void)[] = [
        () => (broken.eventId = `${record.eventId as string}-${'x'.repeat(128)}`),
        () => (broken.userId = `${record.userId as string}\u0000`),
        () => (broken.country = 'USA'),
        () => (broken.device = 'smart-fridge'),
      ];
      if (record.quantity !== undefined) {
        candidates.push(() => (broken.quantity = random.nextBoolean(0.5) ? 0 : 10_001));
      }
      if (record.price !== undefined) {
        candidates.push(() => (broken.price = -0.01));
      }
      if (record.amount !== undefined) {
        candidates.push(() => (broken.amount = 1_000_000_000.01));
      }
      if (record.currency !== undefined) {
        candidates.push(() => (broken.currency = (record.currency as string).toLowerCase()));
      }
      (candidates[random.nextInt(candidates.length)] as () => void)();
      break;
    }
    case 'duplicate_field': {
      const fields = Object.keys(record);
      const field = fields[random.nextInt(fields.length)] as string;
      broken[field.charAt(0).toUpperCase() + field.slice(1)] = record[field];
      break;
    }
  }
  return JSON.stringify(broken);
}

/** `Array.isArray` without narrowing a readonly array to `any[]`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

function requireNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`createClickstreamSimulator: ${name} must be a number, received ${typeof value}`);
  }
  if (!(value >= min && value <= max)) {
    throw new RangeError(
      `createClickstreamSimulator: ${name} must be from ${min} to ${max}, received ${value}`,
    );
  }
  return value;
}

function requireInteger(name: string, value: unknown, min: number, max: number): number {
  const number = requireNumber(name, value, min, max);
  if (!Number.isInteger(number)) {
    throw new RangeError(`createClickstreamSimulator: ${name} must be an integer, received ${number}`);
  }
  return number;
}

function pickWeighted<T>(random: SeededRandom, choices: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of choices) {
    total += weight;
  }
  let target = random.nextFloat() * total;
  for (const [choice, weight] of choices) {
    target -= weight;
    if (target < 0) {
      return choice;
    }
  }
  return (choices[choices.length - 1] as readonly [T, number])[0];
}

/** The index whose band of cumulative weight contains `unit` (in [0, 1)). */
function weightedIndex(unit: number, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) {
    total += weight;
  }
  let target = unit * total;
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index] as number;
    if (target < 0) {
      return index;
    }
  }
  return weights.length - 1;
}

/** A float in [0, 1) from a 32-bit mix of the seed and a key; stable across calls, without any state. */
function hashToUnitInterval(seed: number, key: number): number {
  let hash = Math.imul((seed | 0) ^ Math.imul(key | 0, 0x9e3779b9), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4_294_967_296;
}

/** A standard normal draw (Box-Muller; consumes two floats). */
function standardNormal(random: SeededRandom): number {
  const u = 1 - random.nextFloat(); // (0, 1]
  const v = random.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
