/**
 * The clickstream event contract: the shape of one JSON event body sent to the event hub.
 *
 * Contract decisions (enforced by `validateClickEvent`):
 *
 * - Every event requires `eventId`, `eventType`, `eventTime` and `userId`.
 * - `sessionId` is optional in general and required only for `checkout_start`: purchases and failed payments
 *   are often emitted by a back-end payment service that does not know the browser session, and session
 *   windows group by user and time gap, not by `sessionId`.
 * - Type-specific required fields are listed in {@link REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE}. A field that is
 *   not required for a type is still allowed on it and is validated whenever present.
 * - A JSON `null` in an optional field means "absent"; in a required field it is a problem.
 * - Field names are matched without regard to case; field values are case-sensitive (`"Purchase"` is not a
 *   valid event type).
 * - Numbers are never coerced from strings: `"price": "9.99"` is a problem.
 * - String lengths are counted in UTF-16 code units. No string may contain a control character (Unicode
 *   category Cc: U+0000-U+001F, U+007F-U+009F) or an unpaired surrogate.
 */

/** Every kind of clickstream event, roughly in funnel order. */
export const CLICK_EVENT_TYPES = [
  'page_view',
  'product_view',
  'click',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout_start',
  'purchase',
  'payment_failed',
] as const;

/** The kind of a clickstream event. Values are case-sensitive. */
export type ClickEventType = (typeof CLICK_EVENT_TYPES)[number];

/**
 * The closed set of client device classes. `app` is the native mobile app (any OS); `mobile`, `tablet` and
 * `desktop` are browsers on that form factor; `other` covers kiosks, TVs, bots and anything unclassified.
 */
export const CLICK_DEVICES = ['desktop', 'mobile', 'tablet', 'app', 'other'] as const;

/** A client device class, see {@link CLICK_DEVICES}. */
export type ClickDevice = (typeof CLICK_DEVICES)[number];

/** Upper and lower bounds of the contract. Lengths are in UTF-16 code units. */
export const CLICK_EVENT_LIMITS = {
  /** Maximum length of `eventId`, `userId`, `sessionId`, `productId`, `orderId`, `paymentMethodId`. */
  maxIdentifierLength: 128,
  /** Maximum length of `category`. */
  maxCategoryLength: 128,
  /** Maximum length of `searchQuery`. */
  maxSearchQueryLength: 512,
  /** Maximum length of `page`. */
  maxPageLength: 2048,
  /** Maximum of `price` and `amount` (inclusive), in major currency units; the minimum is 0. */
  maxMoneyAmount: 1_000_000_000,
  /** Minimum of `quantity` (inclusive). */
  minQuantity: 1,
  /** Maximum of `quantity` (inclusive). */
  maxQuantity: 10_000,
} as const;

/**
 * One clickstream event after validation.
 *
 * Invariants (checked by `validateClickEvent`):
 * - identifiers (`eventId`, `userId`, `sessionId`, `productId`, `orderId`, `paymentMethodId`) are 1 to 128
 *   characters, have no leading or trailing whitespace and contain no control characters;
 * - `price` and `amount` are finite numbers from 0 to 1e9 inclusive, in major units of `currency`;
 * - `quantity` is an integer from 1 to 10,000.
 */
export interface ClickEvent {
  /** Unique id of the event, set by the producer; used for de-duplication. */
  readonly eventId: string;
  /** The kind of event. */
  readonly eventType: ClickEventType;
  /**
   * When the event happened on the client: ISO-8601 date-time with a mandatory offset (`Z` or `+hh:mm` /
   * `-hh:mm`, at most 14:00), seconds mandatory, 0 to 7 fractional digits, e.g. `2024-05-01T12:00:00.123Z` or
   * `2024-05-01T14:00:00+02:00`. Kept exactly as received; parse with `parseIsoDateTimeToMs`.
   */
  readonly eventTime: string;
  /** The (possibly anonymous) user; also the event hub partition key. */
  readonly userId: string;
  /** The browser or app session. Required for `checkout_start` only. */
  readonly sessionId?: string;
  /** The product. Required for `product_view`, `click`, `add_to_cart`, `remove_from_cart`. */
  readonly productId?: string;
  /** The product category, 1 to 128 characters. */
  readonly category?: string;
  /** Unit price in major units of `currency`, 0 to 1e9. Required for `add_to_cart`, `remove_from_cart`. */
  readonly price?: number;
  /** Number of units, an integer from 1 to 10,000. Required for `add_to_cart`, `remove_from_cart`. */
  readonly quantity?: number;
  /** The order. Required for `purchase`, `payment_failed`. */
  readonly orderId?: string;
  /** Order total in major units of `currency`, 0 to 1e9. Required for `purchase`, `payment_failed`. */
  readonly amount?: number;
  /**
   * ISO 4217 alphabetic code: exactly 3 upper-case ASCII letters (shape only, not checked against the list).
   * Required for `purchase`, `payment_failed`.
   */
  readonly currency?: string;
  /** The payment instrument used. Required for `payment_failed`. */
  readonly paymentMethodId?: string;
  /** The client device class. */
  readonly device?: ClickDevice;
  /**
   * ISO 3166-1 alpha-2 code: exactly 2 upper-case ASCII letters (shape only, not checked against the list).
   */
  readonly country?: string;
  /** The text the user searched for, 1 to 512 characters, not blank. Required for `search`. */
  readonly searchQuery?: string;
  /** The page path or URL viewed, 1 to 2048 characters, not blank. Required for `page_view`. */
  readonly page?: string;
}

/** The canonical (camelCase) name of a contract field. */
export type ClickEventFieldName = keyof ClickEvent;

/** Every contract field in canonical spelling and canonical order. */
export const CLICK_EVENT_FIELD_NAMES = [
  'eventId',
  'eventType',
  'eventTime',
  'userId',
  'sessionId',
  'productId',
  'category',
  'price',
  'quantity',
  'orderId',
  'amount',
  'currency',
  'paymentMethodId',
  'device',
  'country',
  'searchQuery',
  'page',
] as const satisfies readonly ClickEventFieldName[];

/** Fields every event requires, whatever its type. */
export const ALWAYS_REQUIRED_CLICK_EVENT_FIELDS = [
  'eventId',
  'eventType',
  'eventTime',
  'userId',
] as const satisfies readonly ClickEventFieldName[];

/**
 * Fields each event type requires in addition to {@link ALWAYS_REQUIRED_CLICK_EVENT_FIELDS}.
 * `click` requires `productId` because clicks are counted per user and product.
 */
export const REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE: Readonly<
  Record<ClickEventType, readonly ClickEventFieldName[]>
> = {
  page_view: ['page'],
  product_view: ['productId'],
  click: ['productId'],
  search: ['searchQuery'],
  add_to_cart: ['productId', 'quantity', 'price'],
  remove_from_cart: ['productId', 'quantity', 'price'],
  checkout_start: ['sessionId'],
  purchase: ['orderId', 'amount', 'currency'],
  payment_failed: ['orderId', 'amount', 'currency', 'paymentMethodId'],
};

/** Fields of the incoming JSON that are not part of the contract, kept under their original names. */
export interface ClickEventExtraFields {
  readonly [originalFieldName: string]: unknown;
}
