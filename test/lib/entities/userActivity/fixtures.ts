import type { ActivityEvent, ApplyActivityInput } from '../../../../src/lib/entities/userActivity/operations';
import { DEFAULT_RULE_CONFIG } from '../../../../src/lib/anomaly/ruleConfig';
import type { UserActivityEnvironment } from '../../../../src/lib/entities/userActivity/reducer';

export const t0 = Date.UTC(2026, 5, 1, 12, 0, 0);

export const env: UserActivityEnvironment = { userId: 'user-0001', rules: DEFAULT_RULE_CONFIG.user };

/** An applyActivity input over consecutive sequence numbers from `firstSeq`. */
export function op(
  events: readonly Omit<ActivityEvent, 'seq'>[],
  firstSeq = 0,
  partitionId = '0',
): ApplyActivityInput {
  const withSeq = events.map((e, i) => ({ ...e, seq: firstSeq + i }));
  return { partitionId, firstSeq, lastSeq: firstSeq + events.length - 1, events: withSeq };
}

export const view = (
  timeMs: number,
  productId = 'product-0001',
  category = 'category-01',
): Omit<ActivityEvent, 'seq'> => ({
  timeMs,
  type: 'product_view',
  sessionId: 's-1',
  productId,
  category,
});

export const purchase = (
  timeMs: number,
  amount: number,
  paymentMethodId = 'pm-1-0',
  currency = 'EUR',
): Omit<ActivityEvent, 'seq'> => ({
  timeMs,
  type: 'purchase',
  sessionId: 's-1',
  amount,
  currency,
  paymentMethodId,
});

export const failure = (
  timeMs: number,
  amount: number,
  paymentMethodId: string,
): Omit<ActivityEvent, 'seq'> => ({
  timeMs,
  type: 'payment_failed',
  sessionId: 's-1',
  amount,
  currency: 'EUR',
  paymentMethodId,
});
