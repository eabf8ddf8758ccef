import { createAnomalyEvent, type AnomalyEvent } from '../anomalyEvent';
import type { KeyedRuleConfig } from '../ruleConfig';
import { bucketEnd, offCooldown, ratioScore, type FiredAt } from '../ruleSupport';
import { freshEvents, type KeyedInput } from './keyedInput';
import type { KeyedOutcome } from './funnelRules';

/** A recent use of the payment method: `[event time, userId, 1 if the payment failed else 0]`. */
export type PaymentMethodUse = readonly [number, string, 0 | 1];

/** Uses kept per payment method (the newest). */
const MAX_USES = 32;

export interface PaymentMethodState {
  readonly version: 1;
  readonly applied: Readonly<Record<string, number>>;
  /** Uses within the rule's window of the latest, oldest first. */
  readonly uses: readonly PaymentMethodUse[];
  readonly fired: FiredAt;
}

export function emptyPaymentMethodState(): PaymentMethodState {
  return { version: 1, applied: {}, uses: [], fired: {} };
}

export interface PaymentMethodEnvironment {
  /** The paymentMethodId. */
  readonly key: string;
  readonly rules: KeyedRuleConfig;
}

/**
 * `sharedPaymentMethod`: one payment method (card) used for purchases or failed payments by at least
 * `distinctUsers` users within the sliding window: card testing or a stolen card shared by accounts.
 * Pure; the input state is not mutated.
 */
export function reducePaymentMethod(
  state: PaymentMethodState,
  input: KeyedInput,
  env: PaymentMethodEnvironment,
): KeyedOutcome<PaymentMethodState> {
  const fresh = freshEvents(state.applied, input);
  if (fresh.length === 0) return { state, effects: [], changed: false };
  const { windowSeconds, distinctUsers } = env.rules.sharedPaymentMethod;
  const windowMs = windowSeconds * 1000;
  let uses = [...state.uses];
  let fired = state.fired;
  const effects: AnomalyEvent[] = [];
  for (const e of fresh) {
    if ((e.type !== 'purchase' && e.type !== 'payment_failed') || e.userId === undefined) continue;
    uses.push([e.timeMs, e.userId, e.type === 'payment_failed' ? 1 : 0]);
    const latest = Math.max(...uses.map(([t]) => t));
    uses = uses
      .filter(([t]) => t >= latest - windowMs)
      .sort((a, b) => a[0] - b[0])
      .slice(-MAX_USES);
    const inWindow = uses.filter(([t]) => t >= e.timeMs - windowMs && t <= e.timeMs);
    const users = new Set(inWindow.map(([, user]) => user));
    if (users.size < distinctUsers) continue;
    const windowEndMs = bucketEnd(e.timeMs, 60_000);
    if (!offCooldown(fired, 'sharedPaymentMethod', windowEndMs, env.rules.cooldownSeconds * 1000)) continue;
    effects.push(
      createAnomalyEvent({
        rule: 'sharedPaymentMethod',
        key: env.key,
        severity: 'critical',
        score: ratioScore(users.size / distinctUsers),
        windowEndMs,
        evidence: {
          distinctUsers: users.size,
          users: [...users].sort().slice(0, 8),
          attempts: inWindow.length,
          failures: inWindow.reduce((n, [, , f]) => n + f, 0),
          windowSeconds,
          threshold: distinctUsers,
        },
      }),
    );
    fired = { ...fired, sharedPaymentMethod: windowEndMs };
  }
  return {
    state: { ...state, applied: { ...state.applied, [input.partitionId]: fresh.at(-1)!.seq }, uses, fired },
    effects,
    changed: true,
  };
}

/** Accepts a stored payment-method state (JSON-parsed), or starts an empty one. */
export function readPaymentMethodState(value: unknown): PaymentMethodState {
  if (value === undefined || value === null) return emptyPaymentMethodState();
  if (typeof value !== 'object' || (value as { version?: unknown }).version !== 1)
    throw new TypeError('payment method state: expected an object of version 1');
  return { ...emptyPaymentMethodState(), ...(value as Partial<PaymentMethodState>) };
}
