import { ALWAYS_REQUIRED_CLICK_EVENT_FIELDS, REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE } from './clickEvent';
import type { ClickDevice, ClickEventType } from './clickEvent';
import { createSeededRandom } from './seededRandom';
import type { SeededRandom } from './seededRandom';
import { createZipfSampler } from './zipfSampler';

/** Options of {@link createClickstreamSimulator}. */
export interface ClickstreamSimulatorOptions {
  /** Any safe integer; the same seed and options always give the same messages. */
  readonly seed: number;
  /** Number of distinct users, an integer from 1 to 10,000,000. */
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
  /** Mean rate of the Poisson arrival process in events per second of event time, above 0 to 1,000,000. */
  readonly eventsPerSecond: number;
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
}

/** A mutable event under construction, serialized to the body. */
type EventRecord = Record<string, unknown>;

/**
 * Creates a deterministic clickstream simulator.
 *
 * Model: a Poisson process of `eventsPerSecond` picks, for each event, one of a pool of concurrently active
 * sessions (about `eventsPerSecond` x 20 s of them, at most `users`). Each session belongs to one user (a
 * user has at most one active session), has one device and the user's country and currency, and walks the
 * funnel table `TRANSITIONS`: page views, clicks on product tiles followed by product views, searches, cart
 * changes, checkout, purchase or failed payment (with retries). When a session ends, its slot is taken by a
 * new session of a user picked uniformly among the inactive ones. Products are drawn from a Zipf
 * distribution; unit prices are log-normal around 25 EUR, converted to the user's currency.
 *
 * Ids are deterministic: `evt-<seed>-<message index>`, `ses-<seed>-<n>`, `ord-<seed>-<n>`, `user-<index>`,
 * `product-<index>`, `category-<index>`, `pm-<user index>-<n>`. Behaviour, catalogue and faults use
 * separate random streams, so turning out-of-order or malformed fractions on does not change which events
 * are simulated.
 *
 * @throws TypeError when an option is not a number; RangeError when it is out of range.
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

  const seeder = createSeededRandom(seed);
  const nextStreamSeed = (): number => seeder.nextUint32() + 4_294_967_296 * (seeder.nextUint32() & 0x1fffff);
  const behaviour = createSeededRandom(nextStreamSeed());
  const catalogue = createSeededRandom(nextStreamSeed());
  const faults = createSeededRandom(nextStreamSeed());
  const seedTag = seed < 0 ? `n${-seed}` : String(seed);

  const productSampler = createZipfSampler({ size: products, exponent: zipfExponent });
  const productWidth = Math.max(4, String(products - 1).length);
  const userWidth = Math.max(4, String(users - 1).length);
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
  const productId = (product: number): string => `product-${String(product).padStart(productWidth, '0')}`;
  const categoryName = (category: number): string =>
    `category-${String(category).padStart(categoryWidth, '0')}`;
  const marketWeights = MARKETS.map((market) => market.weight);

  // Slots 0 .. poolSize-1 of userBySlot hold the users with an active session; the rest are inactive.
  const poolSize = Math.min(
    users,
    MAX_CONCURRENT_SESSIONS,
    Math.max(1, Math.ceil((eventsPerSecond * MEAN_THINK_TIME_IN_MS) / 1000)),
  );
  const userBySlot = new Uint32Array(users);
  for (let slot = 0; slot < users; slot++) {
    userBySlot[slot] = slot;
  }
  let sessionCounter = 0;
  let orderCounter = 0;
  const startSession = (slot: number): Session => {
    if (users > poolSize) {
      const swapWith = poolSize + behaviour.nextInt(users - poolSize);
      const inactive = userBySlot[swapWith] as number;
      userBySlot[swapWith] = userBySlot[slot] as number;
      userBySlot[slot] = inactive;
    }
    const userIndex = userBySlot[slot] as number;
    return {
      userIndex,
      userId: `user-${String(userIndex).padStart(userWidth, '0')}`,
      sessionId: `ses-${seedTag}-${sessionCounter++}`,
      device: pickWeighted(behaviour, DEVICE_WEIGHTS),
      // The market is a property of the user, so it comes from a hash of the user, not from the stream.
      market: MARKETS[weightedIndex(hashToUnitInterval(seed, userIndex), marketWeights)] as Market,
      lastType: undefined,
      currentProduct: undefined,
      cart: new Map(),
      orderId: undefined,
      eventCount: 0,
    };
  };
  // The first sessions take the first poolSize users in a shuffled order, since startSession swaps.
  const sessions: Session[] = [];
  for (let slot = 0; slot < poolSize; slot++) {
    sessions.push(startSession(slot));
  }

  const chooseStep = (session: Session): SessionStep => {
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

  const unitPrice = (session: Session, product: number): number =>
    roundTo((priceInEurByProduct[product] as number) * session.market.eurRate, session.market.minorDigits);

  const cartTotal = (session: Session): number => {
    let total = 0;
    for (const [product, quantity] of session.cart) {
      total += unitPrice(session, product) * quantity;
    }
    return roundTo(total, session.market.minorDigits);
  };

  const describeProduct = (record: EventRecord, session: Session, product: number): void => {
    record.productId = productId(product);
    record.category = categoryName(categoryByProduct[product] as number);
    record.price = unitPrice(session, product);
    record.currency = session.market.currency;
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
            : productSampler.sample(behaviour);
        session.currentProduct = product;
        record.productId = productId(product);
        record.category = categoryName(categoryByProduct[product] as number);
        break;
      }
      case 'product_view': {
        const product =
          session.lastType === 'click' && session.currentProduct !== undefined
            ? session.currentProduct
            : productSampler.sample(behaviour);
        session.currentProduct = product;
        describeProduct(record, session, product);
        break;
      }
      case 'add_to_cart': {
        const product = session.currentProduct ?? productSampler.sample(behaviour);
        const roll = behaviour.nextInt(100);
        const quantity = roll < 80 ? 1 : roll < 95 ? 2 : 3 + behaviour.nextInt(3);
        session.cart.set(product, (session.cart.get(product) ?? 0) + quantity);
        describeProduct(record, session, product);
        record.quantity = quantity;
        break;
      }
      case 'remove_from_cart': {
        let index = behaviour.nextInt(session.cart.size);
        for (const [product, inCart] of session.cart) {
          if (index-- === 0) {
            const quantity = 1 + behaviour.nextInt(inCart);
            if (quantity === inCart) {
              session.cart.delete(product);
            } else {
              session.cart.set(product, inCart - quantity);
            }
            describeProduct(record, session, product);
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

  let nominalTimeInMs = startTimeInMs;
  let lastEnqueuedTimeInMs = Number.NEGATIVE_INFINITY;
  let producedCount = 0;
  const meanGapInMs = 1000 / eventsPerSecond;

  const next = (): SimulatedMessage => {
    const messageIndex = producedCount++;
    if (messageIndex > 0) {
      nominalTimeInMs += -Math.log(1 - behaviour.nextFloat()) * meanGapInMs;
    }
    const slot = behaviour.nextInt(poolSize);
    let session = sessions[slot] as Session;
    let step = chooseStep(session);
    while (step === 'end') {
      session = startSession(slot);
      sessions[slot] = session;
      step = chooseStep(session);
    }

    const undelayedTimeInMs = Math.floor(nominalTimeInMs);
    const networkDelayInMs = MIN_NETWORK_DELAY_IN_MS + behaviour.nextInt(NETWORK_DELAY_SPREAD_IN_MS);
    const enqueuedTimeInMs = Math.max(lastEnqueuedTimeInMs, undelayedTimeInMs + networkDelayInMs);
    lastEnqueuedTimeInMs = enqueuedTimeInMs;
    const eventTimeInMs = faults.nextBoolean(outOfOrderFraction)
      ? undelayedTimeInMs - 1 - faults.nextInt(maxOutOfOrderDelayInMs)
      : undelayedTimeInMs;

    const record: EventRecord = {
      eventId: `evt-${seedTag}-${messageIndex}`,
      eventType: step,
      eventTime: new Date(eventTimeInMs).toISOString(),
      userId: session.userId,
      sessionId: session.sessionId,
    };
    buildEvent(session, step, record);
    record.device = session.device;
    record.country = session.market.country;
    session.lastType = step;
    session.eventCount++;

    if (faults.nextBoolean(malformedFraction)) {
      const malformation = CLICKSTREAM_MALFORMATIONS[
        faults.nextInt(CLICKSTREAM_MALFORMATIONS.length)
      ] as ClickstreamMalformation;
      return {
        body: breakBody(record, malformation, faults),
        enqueuedTimeInMs,
        partitionKey: session.userId,
        malformation,
      };
    }
    return { body: JSON.stringify(record), enqueuedTimeInMs, partitionKey: session.userId };
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
  };
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
