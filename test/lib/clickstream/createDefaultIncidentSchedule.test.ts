import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createDefaultIncidentSchedule } from '../../../src/lib/clickstream/createDefaultIncidentSchedule';
import type { IncidentKind } from '../../../src/lib/clickstream/incidentSchedule';
import { INCIDENT_KINDS } from '../../../src/lib/clickstream/incidentSchedule';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const OPTIONS = { seed: 1, startMs: START, durationMs: HOUR, users: 1_000, products: 200 };

describe('createDefaultIncidentSchedule', () => {
  it('schedules every kind once, sorted, without overlap, inside the span minus its margins', () => {
    const schedule = createDefaultIncidentSchedule(OPTIONS);
    expect(schedule.map((incident) => incident.kind).sort()).toEqual([...INCIDENT_KINDS].sort());
    let previousEnd = START + 0.05 * HOUR;
    for (const incident of schedule) {
      expect(incident.startMs).toBeGreaterThanOrEqual(previousEnd);
      expect(incident.durationMs).toBeGreaterThan(0);
      previousEnd = incident.startMs + incident.durationMs;
    }
    expect(previousEnd).toBeLessThanOrEqual(START + 0.9 * HOUR);
  });

  it('is reproducible by seed, and the seed changes it', () => {
    expect(createDefaultIncidentSchedule(OPTIONS)).toEqual(createDefaultIncidentSchedule(OPTIONS));
    expect(createDefaultIncidentSchedule({ ...OPTIONS, seed: 2 })).not.toEqual(
      createDefaultIncidentSchedule(OPTIONS),
    );
  });

  it('gives keys the simulator accepts, for any seed and size (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 10 * HOUR }),
        (seed, users, products, durationMs) => {
          const incidents = createDefaultIncidentSchedule({
            seed,
            startMs: START,
            durationMs,
            users,
            products,
          });
          const labels = createClickstreamSimulator({
            seed,
            users,
            products,
            startTimeInMs: START,
            eventsPerSecond: 10,
            incidents,
          }).labels();
          expect(labels.map((label) => label.key)).toEqual(incidents.map((incident) => incident.key ?? null));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('schedules only the kinds asked for, repeats included', () => {
    const kinds: IncidentKind[] = ['stockOut', 'botStorm', 'stockOut'];
    const schedule = createDefaultIncidentSchedule({ ...OPTIONS, kinds });
    expect(schedule.map((incident) => incident.kind).sort()).toEqual([...kinds].sort());
    expect(createDefaultIncidentSchedule({ ...OPTIONS, kinds: [] })).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => createDefaultIncidentSchedule({ ...OPTIONS, durationMs: 0 })).toThrow(RangeError);
    expect(() => createDefaultIncidentSchedule({ ...OPTIONS, products: 0 })).toThrow(RangeError);
    expect(() => createDefaultIncidentSchedule({ ...OPTIONS, seed: 0.5 })).toThrow(RangeError);
    expect(() => createDefaultIncidentSchedule({ ...OPTIONS, kinds: ['flood' as IncidentKind] })).toThrow(
      TypeError,
    );
  });
});
