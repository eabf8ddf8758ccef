import { describe, expect, it } from 'vitest';
import {
  InMemoryAnomalyStore,
  anomalySink,
  formatAnomalyLine,
  logAlertPort,
} from '../../../src/lib/anomaly/anomalySink';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { compactEwStats, ewUpdate, ewUpdateRobust, EMPTY_EW_STATS } from '../../../src/lib/anomaly/ewStats';
import { DEFAULT_RULE_CONFIG, parseRuleConfig } from '../../../src/lib/anomaly/ruleConfig';
import { topKAdd, topKList } from '../../../src/lib/anomaly/topK';

describe('parseRuleConfig', () => {
  it('applies partial overrides to the defaults', () => {
    const { config, problems } = parseRuleConfig({
      user: { velocity: { failures: 3 } },
      keyed: { windowSeconds: 600 },
    });
    expect(problems).toEqual([]);
    expect(config.user.velocity).toEqual({ ...DEFAULT_RULE_CONFIG.user.velocity, failures: 3 });
    expect(config.keyed.windowSeconds).toBe(600);
    expect(config.user.botClickRate).toEqual(DEFAULT_RULE_CONFIG.user.botClickRate);
  });

  it('names every problem and falls back to the defaults', () => {
    const { config, problems } = parseRuleConfig(
      { user: { velocity: { failures: 0, attempts: 2.5 }, nope: 1 }, keyed: [] },
      'CLICKPULSE_ANOMALY_RULES',
    );
    expect(problems).toEqual([
      'CLICKPULSE_ANOMALY_RULES.user.velocity.failures: expected an integer in 1..10000, received 0',
      'CLICKPULSE_ANOMALY_RULES.user.velocity.attempts: expected an integer in 1..10000, received 2.5',
      expect.stringMatching(/^CLICKPULSE_ANOMALY_RULES\.user\.nope: expected one of amountSpike, /),
      'CLICKPULSE_ANOMALY_RULES.keyed: expected an object, received an array',
    ]);
    expect(config).toBe(DEFAULT_RULE_CONFIG);
    expect(parseRuleConfig('x').problems).toEqual(['rules: expected an object, received string']);
  });
});

describe('rule helpers', () => {
  it('EW stats: mean and variance, robust updates clip outliers once warm', () => {
    let s = EMPTY_EW_STATS;
    for (const x of [10, 10, 10, 10]) s = ewUpdate(s, x, 0.5);
    expect(s).toEqual({ n: 4, mean: 10, variance: 0 });
    const robust = ewUpdateRobust(s, 1000, { alpha: 0.5, warmup: 3, sdFloor: 1 });
    expect(robust.mean).toBe(11.5); // clipped to 10 + 3 * 1
    expect(compactEwStats({ n: 1, mean: 1 / 3, variance: 2 / 3 })).toEqual({
      n: 1,
      mean: 0.333333,
      variance: 0.666667,
    });
    expect(() => ewUpdate(s, NaN, 0.5)).toThrow(RangeError);
  });

  it('top-K keeps the heavy hitters within its capacity', () => {
    let top = topKAdd([], 'a', 5, 2);
    top = topKAdd(top, 'b', 1, 2);
    top = topKAdd(top, 'c', 1, 2); // replaces b, inheriting its count
    expect(topKList(top, 5)).toEqual([
      { id: 'a', score: 5 },
      { id: 'c', score: 2 },
    ]);
  });
});

describe('anomalySink', () => {
  it('records once, hands every event to alerting again on a replay, and the log port prints each once', async () => {
    const lines: string[] = [];
    const sink = anomalySink({
      store: new InMemoryAnomalyStore(),
      alerts: logAlertPort((l) => lines.push(l)),
    });
    const e = createAnomalyEvent({
      rule: 'paymentVelocity',
      key: 'user-1',
      severity: 'critical',
      score: 0.8,
      windowEndMs: Date.UTC(2026, 0, 1),
      evidence: { failures: 5 },
    });
    const delivered: string[] = [];
    const recording = anomalySink({
      store: new InMemoryAnomalyStore(),
      alerts: { deliver: (es) => Promise.resolve(void delivered.push(...es.map((x) => x.id))) },
    });
    expect(await recording.handle([e])).toEqual([e]);
    expect(await recording.handle([e])).toEqual([]);
    // Delivered again: a delivery that failed after recording must be retried by the replay.
    expect(delivered).toEqual([e.id, e.id]);
    expect(await sink.handle([e])).toEqual([e]);
    expect(await sink.handle([e])).toEqual([]);
    expect(lines).toEqual([formatAnomalyLine(e)]);
    expect(lines[0]).toBe(
      'ANOMALY critical paymentVelocity user-1 window end 2026-01-01T00:00:00.000Z score 0.80 {"failures":5}',
    );
  });
});
