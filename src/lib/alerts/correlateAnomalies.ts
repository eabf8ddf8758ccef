import { anomalyId, type AnomalyEvent, type AnomalySeverity } from '../anomaly/anomalyEvent';

const severityRank: Readonly<Record<AnomalySeverity, number>> = { info: 0, warning: 1, critical: 2 };

/** Rules joined in a correlated anomaly's `rule`, e.g. 'manyPaymentMethods+paymentVelocity'. */
export const ruleSeparator = '+';

/** The rules an (possibly correlated) anomaly stands for. */
export function rulesOf(event: AnomalyEvent): string[] {
  return event.rule.split(ruleSeparator);
}

/**
 * One incident, one alert: anomalies handed over together for the same key and window (say a fraud
 * burst tripping both the velocity and the payment-method rule) become one anomaly whose rule lists
 * them all, with the highest severity and score and each rule's evidence. Deterministic (rules sorted),
 * so a replayed batch correlates to the same id and its alert claim dedupes it.
 */
export function correlateAnomalies(events: readonly AnomalyEvent[]): AnomalyEvent[] {
  const groups = new Map<string, AnomalyEvent[]>();
  for (const e of events) {
    const k = JSON.stringify([e.key, e.windowEnd]);
    const g = groups.get(k);
    if (g) {
      if (!g.some((x) => x.id === e.id)) g.push(e);
    } else groups.set(k, [e]);
  }
  const out: AnomalyEvent[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const sorted = [...group].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    const first = sorted[0]!;
    const rule = sorted.map((e) => e.rule).join(ruleSeparator);
    out.push({
      id: anomalyId(rule, first.key, Date.parse(first.windowEnd)),
      rule,
      key: first.key,
      severity: sorted.reduce<AnomalySeverity>(
        (s, e) => (severityRank[e.severity] > severityRank[s] ? e.severity : s),
        'info',
      ),
      score: Math.max(...sorted.map((e) => e.score)),
      windowEnd: first.windowEnd,
      evidence: { correlated: sorted.map((e) => ({ rule: e.rule, score: e.score, evidence: e.evidence })) },
    });
  }
  return out;
}
