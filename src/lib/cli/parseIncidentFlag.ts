import { INCIDENT_KINDS, type IncidentKind } from '../clickstream/incidentSchedule';
import type { LocalIncident } from '../local/localRuntime';

const pattern = /^([A-Za-z]+)(?::([^@]+))?@(\d+)(?:\+(\d+))?$/;

/**
 * Parses `KIND[:KEY]@START_SECONDS[+DURATION_SECONDS]` (duration default 30), e.g.
 * `fraudBurst:user-0042@20+30`: a fraud burst by user-0042 from 20 s after start, for 30 s.
 * Returns the incident, or a problem naming the expected form and what was received.
 */
export function parseIncidentFlag(text: string): LocalIncident | string {
  const m = pattern.exec(text);
  const kind = m?.[1];
  if (!m || !kind || !(INCIDENT_KINDS as readonly string[]).includes(kind)) {
    return `--incident: expected KIND[:KEY]@START_SECONDS[+DURATION_SECONDS] with KIND one of ${INCIDENT_KINDS.join(', ')}, received ${JSON.stringify(text)}`;
  }
  const durationInMs = Number(m[4] ?? '30') * 1000;
  if (durationInMs <= 0) return `--incident: expected a positive duration, received ${JSON.stringify(text)}`;
  return {
    kind: kind as IncidentKind,
    ...(m[2] === undefined ? {} : { key: m[2] }),
    startAfterInMs: Number(m[3]) * 1000,
    durationInMs,
  };
}
