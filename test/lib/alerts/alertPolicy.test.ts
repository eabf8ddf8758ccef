import { describe, expect, it } from 'vitest';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf, escalationInstanceId, isAlertKey } from '../../../src/lib/alerts/alertKey';
import {
  channelsFor,
  cooldownHasPassed,
  defaultAlertPolicy,
  isQuietTime,
  minuteBucketOf,
  minuteOfDay,
  parseQuietHours,
  screen,
  validateAlertPolicy,
  withinRateCap,
} from '../../../src/lib/alerts/alertPolicy';

const at = (iso: string): number => Date.parse(iso);
const event = (severity: 'info' | 'warning' | 'critical') =>
  createAnomalyEvent({
    rule: 'paymentVelocity',
    key: 'u1',
    severity,
    score: 0.9,
    windowEndMs: at('2026-03-01T10:00:00Z'),
    evidence: {},
  });

describe('alert keys', () => {
  it('are deterministic from the anomaly id, 32 hex digits, and name the escalation instance', () => {
    const k = alertKeyOf('paymentVelocity|u1|2026-03-01T10:00:00.000Z');
    expect(k).toBe(alertKeyOf('paymentVelocity|u1|2026-03-01T10:00:00.000Z'));
    expect(isAlertKey(k)).toBe(true);
    expect(alertKeyOf('paymentVelocity|u1|2026-03-01T10:00:10.000Z')).not.toBe(k);
    expect(escalationInstanceId(k)).toBe(`alert-${k}`);
    expect(isAlertKey('../etc')).toBe(false);
  });
});

describe('alert policy', () => {
  it('routes warning to email, critical to email and SMS, info nowhere', () => {
    expect(channelsFor('warning')).toEqual(['email']);
    expect(channelsFor('critical')).toEqual(['email', 'sms']);
    expect(channelsFor('info')).toEqual([]);
  });

  it('parses quiet hours and rejects bad ones', () => {
    expect(parseQuietHours('22:00-07:30', 'UTC')).toEqual({
      startMinute: 1320,
      endMinute: 450,
      timeZone: 'UTC',
    });
    expect(() => parseQuietHours('25:00-07:00', 'UTC')).toThrow(RangeError);
    expect(() => parseQuietHours('07:00-07:00', 'UTC')).toThrow(RangeError);
    expect(() => parseQuietHours('22:00-07:00', 'Mars/Olympus')).toThrow(/IANA/);
  });

  it('quiet hours wrap midnight and follow the time zone', () => {
    const q = parseQuietHours('22:00-07:00', 'UTC');
    expect(isQuietTime(at('2026-03-01T23:30:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2026-03-01T06:59:00Z'), q)).toBe(true);
    expect(isQuietTime(at('2026-03-01T07:00:00Z'), q)).toBe(false);
    expect(isQuietTime(at('2026-03-01T12:00:00Z'), q)).toBe(false);
    const berlin = parseQuietHours('22:00-07:00', 'Europe/Berlin');
    // 21:30 UTC is 22:30 in Berlin (CET, UTC+1 in March before the switch).
    expect(minuteOfDay(at('2026-03-01T21:30:00Z'), 'Europe/Berlin')).toBe(22 * 60 + 30);
    expect(isQuietTime(at('2026-03-01T21:30:00Z'), berlin)).toBe(true);
    expect(isQuietTime(at('2026-03-01T21:30:00Z'), undefined)).toBe(false);
    const day = parseQuietHours('12:00-13:00', 'UTC');
    expect(isQuietTime(at('2026-03-01T12:30:00Z'), day)).toBe(true);
    expect(isQuietTime(at('2026-03-01T13:00:00Z'), day)).toBe(false);
  });

  it('screens by severity, then quiet hours (low severity only)', () => {
    const quiet = { ...defaultAlertPolicy, quietHours: parseQuietHours('00:00-23:59', 'UTC') };
    const noon = at('2026-03-01T12:00:00Z');
    expect(screen(event('info'), noon, defaultAlertPolicy)).toBe('severity');
    expect(screen(event('warning'), noon, defaultAlertPolicy)).toBeUndefined();
    expect(screen(event('warning'), noon, quiet)).toBe('quietHours');
    expect(screen(event('critical'), noon, quiet)).toBeUndefined();
  });

  it('cooldown, rate cap and minute buckets', () => {
    expect(cooldownHasPassed(undefined, 1000, 900_000)).toBe(true);
    expect(cooldownHasPassed(0, 899_999, 900_000)).toBe(false);
    expect(cooldownHasPassed(0, 900_000, 900_000)).toBe(true);
    expect(withinRateCap(10, 10)).toBe(true);
    expect(withinRateCap(11, 10)).toBe(false);
    expect(minuteBucketOf(at('2026-03-01T10:00:59.999Z'))).toBe(minuteBucketOf(at('2026-03-01T10:00:00Z')));
    expect(minuteBucketOf(at('2026-03-01T10:01:00Z'))).toBe(minuteBucketOf(at('2026-03-01T10:00:00Z')) + 1);
  });

  it('validates policies', () => {
    expect(() => validateAlertPolicy({ ...defaultAlertPolicy, rateCapPerMinute: 0 })).toThrow(RangeError);
    expect(() => validateAlertPolicy({ ...defaultAlertPolicy, cooldownInMs: -1 })).toThrow(RangeError);
    expect(validateAlertPolicy(defaultAlertPolicy)).toBe(defaultAlertPolicy);
  });
});
