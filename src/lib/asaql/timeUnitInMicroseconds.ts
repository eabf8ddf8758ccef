const units: Readonly<Record<string, number>> = {
  day: 86_400_000_000,
  dd: 86_400_000_000,
  d: 86_400_000_000,
  hour: 3_600_000_000,
  hh: 3_600_000_000,
  minute: 60_000_000,
  mi: 60_000_000,
  n: 60_000_000,
  second: 1_000_000,
  ss: 1_000_000,
  s: 1_000_000,
  millisecond: 1000,
  ms: 1000,
  microsecond: 1,
  mcs: 1,
};

/** The window time units, as ASA writes them in window functions. */
export const timeUnitNames =
  'day (dd, d), hour (hh), minute (mi, n), second (ss, s), millisecond (ms), microsecond (mcs)';

/**
 * The length of a window time unit in microseconds (its name or abbreviation, case-insensitive), or
 * undefined for a name that is not a unit.
 */
export function timeUnitInMicroseconds(name: string): number | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(units, key) ? units[key] : undefined;
}
