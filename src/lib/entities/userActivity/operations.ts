import { CLICK_EVENT_LIMITS, CLICK_EVENT_TYPES, type ClickEventType } from '../../clickstream/clickEvent';

/** The durable entity's name (Durable Functions compares entity names without regard to case). */
export const USER_ACTIVITY_ENTITY = 'userActivity';

/** Every operation of the `userActivity` entity: a closed set. */
export const USER_ACTIVITY_OPERATIONS = ['applyActivity', 'getProfile', 'reset'] as const;

export type UserActivityOperationName = (typeof USER_ACTIVITY_OPERATIONS)[number];

/** Most events one `applyActivity` may carry (an Event Hubs batch holds at most a few hundred). */
export const MAX_EVENTS_PER_OPERATION = 5000;

/**
 * One event of the user, reduced to what the entity uses. Events are carried one by one (not as
 * totals) so that the entity can drop exactly the events it already applied: a redelivered Event Hubs
 * batch may start and end elsewhere than the first delivery.
 */
export interface ActivityEvent {
  /** Event Hubs sequence number within the operation's partition. */
  readonly seq: number;
  /** Event time, epoch ms. */
  readonly timeMs: number;
  readonly type: ClickEventType;
  readonly sessionId?: string;
  readonly productId?: string;
  readonly category?: string;
  /** Order total of a checkout, purchase or failed payment, in major units of `currency`. */
  readonly amount?: number;
  readonly currency?: string;
  readonly paymentMethodId?: string;
}

/** The input of `applyActivity`: one user's events of one Event Hubs batch (one partition). */
export interface ApplyActivityInput {
  readonly partitionId: string;
  /** The first and last sequence numbers of the user's events in the batch. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Ascending, unique sequence numbers within [firstSeq, lastSeq]. */
  readonly events: readonly ActivityEvent[];
}

export interface GetProfileInput {
  /** Entries of the top-interest lists, 1 to 20. Default 5. */
  readonly top?: number;
}

/** An operation of the `userActivity` entity. */
export type UserActivityOperation =
  | { readonly name: 'applyActivity'; readonly input: ApplyActivityInput }
  | { readonly name: 'getProfile'; readonly input: GetProfileInput }
  | { readonly name: 'reset' };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const describe = (v: unknown): string =>
  v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : JSON.stringify(v);

const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function optionalText(event: Record<string, unknown>, field: string, where: string, maxLength: number): void {
  const v = event[field];
  if (v === undefined) return;
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) {
    throw new TypeError(
      `${where}.${field}: expected a string of 1 to ${maxLength} characters, received ${describe(v)}`,
    );
  }
}

function parseEvent(
  value: unknown,
  where: string,
  firstSeq: number,
  lastSeq: number,
  previous: number,
): ActivityEvent {
  if (!isRecord(value)) throw new TypeError(`${where}: expected an object, received ${describe(value)}`);
  if (!isSeq(value.seq) || value.seq < firstSeq || value.seq > lastSeq || value.seq <= previous) {
    throw new RangeError(
      `${where}.seq: expected an integer in ${Math.max(firstSeq, previous + 1)}..${lastSeq} (ascending), received ${describe(value.seq)}`,
    );
  }
  if (typeof value.timeMs !== 'number' || !Number.isSafeInteger(value.timeMs)) {
    throw new TypeError(`${where}.timeMs: expected epoch milliseconds, received ${describe(value.timeMs)}`);
  }
  if (typeof value.type !== 'string' || !(CLICK_EVENT_TYPES as readonly string[]).includes(value.type)) {
    throw new TypeError(
      `${where}.type: expected one of ${CLICK_EVENT_TYPES.join(', ')}, received ${describe(value.type)}`,
    );
  }
  for (const field of ['sessionId', 'productId', 'paymentMethodId'])
    optionalText(value, field, where, CLICK_EVENT_LIMITS.maxIdentifierLength);
  optionalText(value, 'category', where, CLICK_EVENT_LIMITS.maxCategoryLength);
  if (
    value.amount !== undefined &&
    !(
      typeof value.amount === 'number' &&
      value.amount >= 0 &&
      value.amount <= CLICK_EVENT_LIMITS.maxMoneyAmount
    )
  ) {
    throw new RangeError(
      `${where}.amount: expected a number from 0 to ${CLICK_EVENT_LIMITS.maxMoneyAmount}, received ${describe(value.amount)}`,
    );
  }
  if (
    value.currency !== undefined &&
    !(typeof value.currency === 'string' && /^[A-Z]{3}$/.test(value.currency))
  ) {
    throw new TypeError(
      `${where}.currency: expected 3 upper-case letters, received ${describe(value.currency)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!EVENT_FIELDS.has(key)) throw new TypeError(`${where}.${key}: expected no such field, received one`);
  }
  return value as unknown as ActivityEvent;
}

const EVENT_FIELDS = new Set([
  'seq',
  'timeMs',
  'type',
  'sessionId',
  'productId',
  'category',
  'amount',
  'currency',
  'paymentMethodId',
]);

function parseApplyActivity(input: unknown): ApplyActivityInput {
  if (!isRecord(input))
    throw new TypeError(`applyActivity: expected an object input, received ${describe(input)}`);
  const { partitionId, firstSeq, lastSeq, events } = input;
  if (typeof partitionId !== 'string' || partitionId.length === 0 || partitionId.length > 64) {
    throw new TypeError(
      `applyActivity.partitionId: expected a string of 1 to 64 characters, received ${describe(partitionId)}`,
    );
  }
  if (!isSeq(firstSeq)) {
    throw new RangeError(
      `applyActivity.firstSeq: expected a non-negative integer, received ${describe(firstSeq)}`,
    );
  }
  if (!isSeq(lastSeq) || lastSeq < firstSeq) {
    throw new RangeError(
      `applyActivity.lastSeq: expected an integer from firstSeq (${firstSeq}), received ${describe(lastSeq)}`,
    );
  }
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_OPERATION) {
    throw new RangeError(
      `applyActivity.events: expected an array of 1 to ${MAX_EVENTS_PER_OPERATION} events, received ${
        Array.isArray(events) ? `${events.length} events` : describe(events)
      }`,
    );
  }
  let previous = -1;
  const parsed = events.map((e: unknown, i) => {
    const event = parseEvent(e, `applyActivity.events[${i}]`, firstSeq, lastSeq, previous);
    previous = event.seq;
    return event;
  });
  if (parsed[0]!.seq !== firstSeq || parsed.at(-1)!.seq !== lastSeq) {
    throw new RangeError(
      `applyActivity: expected events from firstSeq ${firstSeq} to lastSeq ${lastSeq}, received ${parsed[0]!.seq}..${parsed.at(-1)!.seq}`,
    );
  }
  return { partitionId, firstSeq, lastSeq, events: parsed };
}

/**
 * Turns an operation name and input, as the entity receives them, into a {@link UserActivityOperation};
 * throws on anything else, before the entity reads or changes its state (entity state is not rolled back
 * when an operation throws).
 * @throws TypeError for an unknown operation or a malformed input; RangeError for a number out of range.
 */
export function parseUserActivityOperation(name: string | undefined, input: unknown): UserActivityOperation {
  switch (name) {
    case 'applyActivity':
      return { name, input: parseApplyActivity(input) };
    case 'getProfile': {
      if (input === undefined || input === null) return { name, input: {} };
      if (!isRecord(input))
        throw new TypeError(`getProfile: expected an object input or none, received ${describe(input)}`);
      const top = input.top;
      if (top !== undefined && !(typeof top === 'number' && Number.isInteger(top) && top >= 1 && top <= 20)) {
        throw new RangeError(`getProfile.top: expected an integer in 1..20, received ${describe(top)}`);
      }
      return { name, input: top === undefined ? {} : { top } };
    }
    case 'reset':
      return { name };
    default:
      throw new TypeError(
        `userActivity: expected an operation among ${USER_ACTIVITY_OPERATIONS.join(', ')}, received ${describe(name)}`,
      );
  }
}
