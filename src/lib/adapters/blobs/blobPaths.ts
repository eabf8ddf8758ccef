const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * The archive folder of a row: {output}/{yyyy}/{MM}/{dd}/{HH}, from its System.Timestamp in UTC (ASA
 * names folders by output event time, never by processing time).
 */
export function archiveFolder(output: string, timestampMs: number): string {
  const d = new Date(timestampMs);
  return `${output}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
}

/** A compact UTC instant for file names: yyyyMMddTHHmmssfffZ. */
export function compactUtc(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}
