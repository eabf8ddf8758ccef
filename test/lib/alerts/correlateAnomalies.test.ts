import { describe, expect, it } from 'vitest';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { correlateAnomalies, rulesOf } from '../../../src/lib/alerts/correlateAnomalies';

const at = Date.UTC(2026, 0, 1, 12, 0, 0);
const anomaly = (
  rule: string,
  key: string,
  severity: 'warning' | 'critical',
  score: number,
  windowEndMs = at,
) => createAnomalyEvent({ rule, key, severity, score, windowEndMs, evidence: { rule } });

describe('correlateAnomalies', () => {
  it('merges anomalies of one key and window into one, whatever their order', () => {
    const a = anomaly('paymentVelocity', 'user-1', 'critical', 0.5);
    const b = anomaly('manyPaymentMethods', 'user-1', 'warning', 0.9);
    const one = correlateAnomalies([a, b]);
    expect(one).toEqual(correlateAnomalies([b, a]));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      id: 'manyPaymentMethods+paymentVelocity|user-1|2026-01-01T12:00:00.000Z',
      severity: 'critical',
      score: 0.9,
    });
    expect(rulesOf(one[0]!)).toEqual(['manyPaymentMethods', 'paymentVelocity']);
  });

  it('keeps other keys, other windows and single anomalies as they are, and drops exact repeats', () => {
    const a = anomaly('paymentVelocity', 'user-1', 'critical', 0.5);
    const other = anomaly('paymentVelocity', 'user-2', 'critical', 0.5);
    const later = anomaly('manyPaymentMethods', 'user-1', 'warning', 0.9, at + 10_000);
    expect(correlateAnomalies([a, a, other, later])).toEqual([a, other, later]);
  });
});
