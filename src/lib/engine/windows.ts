/**
 * Window definitions, with Azure Stream Analytics semantics.
 *
 * A window covers the half-open interval (start, end]: it EXCLUDES its start and INCLUDES its end, so
 * an event exactly on a boundary belongs to the window that ends there. A windowed row's
 * System.Timestamp is the window end. Tumbling and hopping windows are aligned to the Unix epoch plus
 * `offsetInMs`: their ends are the instants `k * hopInMs + offsetInMs` for integer k.
 *
 * All times are integer milliseconds since the Unix epoch.
 */
export type WindowSpec =
  | { readonly kind: 'tumbling'; readonly sizeInMs: number; readonly offsetInMs?: number }
  | {
      readonly kind: 'hopping';
      readonly sizeInMs: number;
      readonly hopInMs: number;
      readonly offsetInMs?: number;
    }
  /** Output only when an event enters or leaves the window, covering (t - size, t]. */
  | { readonly kind: 'sliding'; readonly sizeInMs: number }
  /** Per group key: closes at last event + timeout, or at a max-duration check point. */
  | { readonly kind: 'session'; readonly timeoutInMs: number; readonly maxDurationInMs: number }
  /** GROUP BY System.Timestamp(): groups events with the same timestamp. */
  | { readonly kind: 'snapshot' };

/** ASA's limit on every window size. */
export const maxWindowSizeInMs = 7 * 24 * 3600 * 1000;

/** The most windows one event may fall into (hopping size / hop); bounds per-event work and state. */
export const maxWindowsPerEvent = 100;

/** The largest multiple-of-`step`-plus-`offset` instant that is >= `t`: the end of t's window. */
export function ceilToGrid(t: number, step: number, offset: number): number {
  return Math.ceil((t - offset) / step) * step + offset;
}

/**
 * Ends of the tumbling/hopping windows that contain event time `t`: every grid instant e with
 * t <= e < t + size, in increasing order. (An event at exactly e belongs to the window ending at e.)
 */
export function containingWindowEnds(
  t: number,
  sizeInMs: number,
  hopInMs: number,
  offsetInMs: number,
): number[] {
  const ends: number[] = [];
  for (let end = ceilToGrid(t, hopInMs, offsetInMs); end < t + sizeInMs; end += hopInMs) ends.push(end);
  return ends;
}

/** Problems with a window definition, each naming the property, the expected and the received. */
export function windowSpecProblems(spec: WindowSpec, where: string): string[] {
  const problems: string[] = [];
  const positive = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v <= 0 || v > maxWindowSizeInMs) {
      problems.push(
        `${where}.${name}: expected an integer number of ms in 1..${maxWindowSizeInMs}, received ${v}`,
      );
    }
  };
  switch (spec.kind) {
    case 'tumbling':
      positive('sizeInMs', spec.sizeInMs);
      break;
    case 'hopping':
      positive('sizeInMs', spec.sizeInMs);
      positive('hopInMs', spec.hopInMs);
      if (spec.hopInMs > spec.sizeInMs) {
        problems.push(
          `${where}.hopInMs: expected at most sizeInMs (${spec.sizeInMs}), received ${spec.hopInMs}`,
        );
      } else if (Math.ceil(spec.sizeInMs / spec.hopInMs) > maxWindowsPerEvent) {
        problems.push(
          `${where}.hopInMs: expected sizeInMs / hopInMs <= ${maxWindowsPerEvent}, received ` +
            `${spec.sizeInMs} / ${spec.hopInMs}`,
        );
      }
      break;
    case 'sliding':
      positive('sizeInMs', spec.sizeInMs);
      break;
    case 'session':
      positive('timeoutInMs', spec.timeoutInMs);
      positive('maxDurationInMs', spec.maxDurationInMs);
      if (spec.timeoutInMs > spec.maxDurationInMs) {
        problems.push(
          `${where}.timeoutInMs: expected at most maxDurationInMs (${spec.maxDurationInMs}), received ${spec.timeoutInMs}`,
        );
      }
      break;
    case 'snapshot':
      break;
  }
  if ((spec.kind === 'tumbling' || spec.kind === 'hopping') && spec.offsetInMs !== undefined) {
    const step = spec.kind === 'hopping' ? spec.hopInMs : spec.sizeInMs;
    if (!Number.isSafeInteger(spec.offsetInMs) || Math.abs(spec.offsetInMs) >= step) {
      problems.push(
        `${where}.offsetInMs: expected an integer with |offset| < ${step}, received ${spec.offsetInMs}`,
      );
    }
  }
  return problems;
}
