import type { RowDifference } from '../replay/compareRowMultisets';
import type { TestCaseResult, TestOutputResult, TestRunSummary } from '../replay/runTestConfig';

/** Rows shown per kind of difference before "... and N more". */
const maxRowsShown = 10;

const json = (v: unknown): string => JSON.stringify(v);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function rows(label: string, list: readonly RowDifference[], indent: string): string[] {
  if (list.length === 0) return [];
  const lines = [`${indent}${label}:`];
  for (const d of list.slice(0, maxRowsShown))
    lines.push(`${indent}  ${json(d.row)}${d.count > 1 ? ` (x${d.count})` : ''}`);
  if (list.length > maxRowsShown) lines.push(`${indent}  ... and ${list.length - maxRowsShown} more`);
  return lines;
}

function formatOutput(o: TestOutputResult, indent: string): string[] {
  switch (o.status) {
    case 'matched':
      return [];
    case 'unrequired':
      return [`${indent}${o.alias}: not compared (Required is false), ${o.actualRows} rows`];
    case 'unexpected':
      return [
        `${indent}${o.alias}: unexpected output, ${o.actualRows} rows (name it in ExpectedOutputs, or with Required false)`,
        ...rows('produced', o.comparison?.unexpected ?? [], `${indent}  `),
      ];
    case 'missing':
    case 'notEqual': {
      const c = o.comparison!;
      const lines = [
        `${indent}${o.alias}: ${o.status === 'missing' ? 'no rows produced' : 'rows differ'} (expected ${o.expectedRows}, received ${o.actualRows})` +
          (o.expectedPath ? ` -- expected rows in ${o.expectedPath}` : ''),
      ];
      for (const ch of c.changed.slice(0, maxRowsShown)) {
        lines.push(`${indent}  changed: ${json(ch.expected)}`);
        for (const col of ch.columns) {
          const has = (r: Record<string, unknown>): string => {
            const key = Object.keys(r).find((k) => k.toLowerCase() === col.toLowerCase());
            return key === undefined ? '(absent)' : json(r[key]);
          };
          lines.push(`${indent}    ${col}: expected ${has(ch.expected)}, received ${has(ch.actual)}`);
        }
      }
      if (c.changed.length > maxRowsShown)
        lines.push(`${indent}  ... and ${c.changed.length - maxRowsShown} more changed rows`);
      lines.push(...rows('missing (expected, not produced)', c.missing, `${indent}  `));
      lines.push(...rows('unexpected (produced, not expected)', c.unexpected, `${indent}  `));
      return lines;
    }
  }
}

/** One test case's result: PASS or FAIL with its name, and for a failure why, with a readable diff. */
export function formatTestCaseResult(r: TestCaseResult): string {
  const lines = [`${r.passed ? 'PASS' : 'FAIL'}  ${r.name} (${seconds(r.elapsedInMs)})`];
  if (r.error !== undefined) lines.push(...r.error.split('\n').map((l) => `      ${l}`));
  for (const o of r.outputs) lines.push(...formatOutput(o, '      '));
  const dead = Object.entries(r.deadLettered);
  if (!r.passed && dead.length > 0) {
    lines.push(`      input records dead-lettered: ${dead.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  }
  return lines.join('\n');
}

/** The closing line of a test run. */
export function formatTestRunSummary(s: TestRunSummary): string {
  const p = s.eventOrdering;
  const policy =
    `late arrival ${p.lateArrivalToleranceInSeconds} s, out of order ${p.outOfOrderToleranceInSeconds} s, ${p.action}` +
    (s.jobConfigPath ? ` (${s.jobConfigPath})` : ' (default)');
  return [
    `${s.passed} passed, ${s.failed} failed, ${s.total} total in ${seconds(s.elapsedInMs)}`,
    `script: ${s.script}`,
    `event ordering: ${policy}`,
  ].join('\n');
}
