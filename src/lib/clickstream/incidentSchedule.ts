/**
 * Incidents the clickstream simulator can inject, and the ground-truth labels that let detectors be scored.
 *
 * | kind                   | key                                   | intensity (default)                            |
 * | ---------------------- | ------------------------------------- | ---------------------------------------------- |
 * | `fraudBurst`           | `user-N` (one user, many cards) or a  | injected checkout and payment events per       |
 * |                        | `pm-...` payment method (one card,    | second (2% of `eventsPerSecond`, at least 0.5) |
 * |                        | many users)                           |                                                |
 * | `botStorm`             | `product-N`                           | injected clicks per second (10% of             |
 * |                        |                                       | `eventsPerSecond`, at least 2)                 |
 * | `cartAbandonmentSurge` | none (site-wide), label key `null`    | probability that a session with a cart leaves  |
 * |                        |                                       | instead of checking out or paying (0.8)        |
 * | `stockOut`             | `product-N`                           | fraction of add-to-cart attempts refused (1)   |
 * | `priceGlitch`          | `product-N`                           | factor on the product's price, 0 to 10 (0.01)  |
 */

/** Every kind of incident, in the order the default schedule lists them before shuffling. */
export const INCIDENT_KINDS = [
  'fraudBurst',
  'botStorm',
  'cartAbandonmentSurge',
  'stockOut',
  'priceGlitch',
] as const;

/** The kind of an incident, see {@link INCIDENT_KINDS}. */
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** One incident to inject. Active on event times in [startMs, startMs + durationMs). */
export interface Incident {
  readonly kind: IncidentKind;
  /** Start, in milliseconds since the Unix epoch (UTC); an integer. */
  readonly startMs: number;
  /** Duration in milliseconds, an integer from 1 to {@link MAX_INCIDENT_DURATION_IN_MS}. */
  readonly durationMs: number;
  /**
   * Who or what the incident is about (see the table above); picked by the simulator from its seed when
   * absent. Must be absent for `cartAbandonmentSurge`.
   */
  readonly key?: string;
  /** Strength, whose meaning and default depend on the kind (see the table above). */
  readonly intensity?: number;
}

/** The incidents of one simulation, in any order; they may overlap. */
export type IncidentSchedule = readonly Incident[];

/** Ground truth for scoring a detector: what happened to whom, when. */
export interface IncidentLabel {
  readonly kind: IncidentKind;
  /** The `userId`, `productId` or `paymentMethodId` the incident is about; `null` when site-wide. */
  readonly key: string | null;
  /** Inclusive start, ISO-8601 UTC with milliseconds. */
  readonly start: string;
  /** Exclusive end, ISO-8601 UTC with milliseconds. */
  readonly end: string;
}

/** Longest incident accepted, in milliseconds (366 days). */
export const MAX_INCIDENT_DURATION_IN_MS = 366 * 86_400_000;

/**
 * The range of `intensity` per kind (inclusive; `minExclusive` excludes the lower bound), and its unit.
 */
export const INCIDENT_INTENSITY_RANGES: Readonly<
  Record<IncidentKind, { readonly min: number; readonly max: number; readonly minExclusive: boolean }>
> = {
  fraudBurst: { min: 0, max: 10_000, minExclusive: true },
  botStorm: { min: 0, max: 100_000, minExclusive: true },
  cartAbandonmentSurge: { min: 0, max: 1, minExclusive: false },
  stockOut: { min: 0, max: 1, minExclusive: false },
  priceGlitch: { min: 0, max: 10, minExclusive: false },
};

/** True when `value` is one of {@link INCIDENT_KINDS}. */
export function isIncidentKind(value: unknown): value is IncidentKind {
  return typeof value === 'string' && (INCIDENT_KINDS as readonly string[]).includes(value);
}
