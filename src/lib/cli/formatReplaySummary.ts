import type { ReplaySummary } from '../replay/runReplay';

/** The end-of-run summary the CLI prints. */
export function formatReplaySummary(s: ReplaySummary): string {
  const t = s.totals;
  const dead = Object.entries(t.deadLettered);
  const deadTotal = dead.reduce((n, [, v]) => n + v, 0);
  const rows = Object.entries(t.rowsEmitted);
  return [
    `records read:      ${s.recordsRead}`,
    `input events:      ${t.inputEvents}`,
    `dead-lettered:     ${deadTotal}${dead.length ? ` (${dead.map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}` +
      (deadTotal ? ` -> ${s.deadLetterPath}` : ''),
    `early (dropped):   ${t.early}`,
    `late:              ${t.lateAdjusted} adjusted, ${t.lateDropped} dropped`,
    `out of order:      ${t.outOfOrderAdjusted} adjusted, ${t.outOfOrderDropped} dropped`,
    `rows emitted:      ${rows.length ? rows.map(([k, v]) => `${k}: ${v}`).join(', ') : '0'}`,
    ...(s.anomalies
      ? [`anomalies:         ${s.anomalies.count}${s.anomalies.count ? ` -> ${s.anomalies.path}` : ''}`]
      : []),
    `output:            ${s.outputFiles.length ? s.outputFiles.join(', ') : '(no rows)'}`,
    `elapsed:           ${(s.elapsedInMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
