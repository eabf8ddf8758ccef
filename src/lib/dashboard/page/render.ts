/// <reference lib="dom" />
import type { DashboardData } from '../dashboardData';
import type { DashboardAlert } from '../feeds';
import { byId, fill, h, type Child } from './dom';
import * as f from './format';
import { lineChart } from './lineChart';

/** A column: its heading and whether it holds numbers (right-aligned). */
interface Column {
  readonly label: string;
  readonly numeric?: boolean;
}

/** A data table with a caption and column headers (scope col) and the first cell as a row header. */
export function table(
  caption: string,
  columns: readonly Column[],
  rows: readonly Child[][],
): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((cells) =>
        h(
          'tr',
          {},
          ...cells.map((cell, i) =>
            i === 0
              ? h('th', { scope: 'row', class: columns[0]?.numeric ? 'num' : undefined }, cell)
              : h('td', { class: columns[i]?.numeric ? 'num' : undefined }, cell),
          ),
        ),
      ),
    ),
  );
}

const empty = (text: string): HTMLParagraphElement => h('p', { class: 'empty' }, text);

/** The headline numbers. */
function renderTiles(d: DashboardData): void {
  fill(byId('tile-rate'), f.rate(d.totals.eventsPerSecond));
  fill(byId('tile-delay'), f.duration(d.totals.maxWatermarkDelayInMs));
  fill(byId('tile-input'), f.count(d.totals.inputEvents));
  fill(byId('tile-rows'), f.count(d.totals.rowsEmitted));
  fill(byId('tile-dead'), f.count(d.totals.deadLettered));
  fill(byId('tile-alerts'), f.count(d.alerts.filter((a) => a.state !== 'acknowledged').length));
}

function renderCharts(d: DashboardData): void {
  const toMs = Date.parse(d.now);
  // The last 5 minutes; while there is less history, the last minute, so a new run is not a speck.
  const first = d.traffic.length > 0 ? Date.parse(d.traffic[0]!.time) : toMs;
  const fromMs = Math.max(toMs - 5 * 60_000, Math.min(first, toMs - 60_000));
  const points = d.traffic.map((p) => ({
    timeMs: Date.parse(p.time),
    rate: p.eventsPerSecond,
    delay: p.watermarkDelayInMs,
  }));
  fill(
    byId('chart-rate'),
    lineChart(
      points.map((p) => ({ timeMs: p.timeMs, value: p.rate })),
      { fromMs, toMs, format: f.rate, tone: 'primary', label: 'Input events per second' },
    ),
  );
  fill(
    byId('chart-delay'),
    lineChart(
      points.map((p) => ({ timeMs: p.timeMs, value: p.delay === null ? null : p.delay / 1000 })),
      {
        fromMs,
        toMs,
        format: (v) => `${f.rate(v)} s`,
        tone: 'secondary',
        label: 'Watermark delay in seconds',
      },
    ),
  );
}

function renderPartitions(d: DashboardData): void {
  fill(
    byId('partitions'),
    table(
      `${d.partitions.length} input partitions`,
      [
        { label: 'Partition' },
        { label: 'Watermark' },
        { label: 'Watermark delay', numeric: true },
        { label: 'Last batch' },
        { label: 'Lag', numeric: true },
        { label: 'Last sequence no.', numeric: true },
        { label: 'Events', numeric: true },
        { label: 'Dead-lettered', numeric: true },
      ],
      d.partitions.map((p) => [
        p.partitionId,
        f.time(p.watermark),
        f.duration(p.watermarkDelayInMs),
        p.lastBatch ? `${f.time(p.lastBatch)} (${f.duration(p.lastBatchAgeInMs)} ago)` : '-',
        f.duration(p.lagInMs),
        p.lastSequenceNumber < 0 ? '-' : f.count(p.lastSequenceNumber),
        f.count(p.inputEvents),
        f.count(p.deadLettered),
      ]),
    ),
  );
}

function renderOutputs(d: DashboardData): void {
  const container = byId('outputs');
  if (d.outputs.length === 0) {
    fill(
      container,
      empty('No window has closed yet: the first appears about 15 seconds after traffic starts.'),
    );
    return;
  }
  fill(
    container,
    ...d.outputs.map((o) => {
      const shown = o.rows.slice(0, 12);
      const order = o.orderedBy ? `, largest ${o.orderedBy} first` : '';
      const caption =
        `${o.output}: ${o.kind === 'window' ? 'window ending' : 'events up to'} ${f.time(new Date(o.timestampMs).toISOString())}, ` +
        `${shown.length} of ${f.count(o.rowCount)} rows${order}`;
      const numeric = new Set(o.columns.filter((c) => typeof o.rows[0]?.[c] === 'number'));
      return h(
        'div',
        { class: 'scroll' },
        table(
          caption,
          o.columns.map((c) => ({ label: c, numeric: numeric.has(c) })),
          shown.map((r) => o.columns.map((c) => f.cell(r[c]))),
        ),
      );
    }),
  );
}

/** A ranked list with bars: a table whose count cells carry a bar scaled to the largest count. */
function barTable(
  caption: string,
  heading: string,
  items: readonly { readonly label: string; readonly count: number }[],
): Child {
  if (items.length === 0) return h('div', {}, h('h3', {}, caption), empty('None in this range yet.'));
  const max = Math.max(...items.map((i) => i.count));
  const rows = items.map((i) => {
    const bar = h('span', { class: 'bar' });
    bar.style.width = `${Math.max(2, (i.count / max) * 100)}%`;
    const track = h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar);
    return [
      i.label,
      h('span', { class: 'bar-cell' }, track, h('span', { class: 'bar-value' }, f.count(i.count))),
    ];
  });
  return table(caption, [{ label: heading }, { label: 'Events', numeric: true }], rows);
}

const products = (
  items: readonly { productId: string; count: number }[],
): { label: string; count: number }[] => items.map((i) => ({ label: i.productId, count: i.count }));

function renderTopProducts(d: DashboardData): void {
  fill(byId('top-range'), `Arrivals from ${f.time(d.topProducts.from)} to ${f.time(d.topProducts.to)}.`);
  fill(byId('top-clicks'), barTable('By clicks', 'Product', products(d.topProducts.byClicks)));
  fill(byId('top-carts'), barTable('By cart adds', 'Product', products(d.topProducts.byCartAdds)));
}

const badge = (kind: string, text: string): HTMLSpanElement =>
  h('span', { class: `badge badge-${kind}` }, text);

function renderAnomalies(d: DashboardData): void {
  const container = byId('anomalies');
  if (d.anomalies.length === 0) {
    fill(container, empty('No anomalies detected.'));
    return;
  }
  fill(
    container,
    table(
      `${d.anomalies.length} most recent anomalies, newest first`,
      [
        { label: 'Window end' },
        { label: 'Rule' },
        { label: 'About' },
        { label: 'Severity' },
        { label: 'Score', numeric: true },
      ],
      d.anomalies.map((a) => [
        f.time(a.windowEnd),
        a.rule,
        a.key,
        badge(a.severity, a.severity),
        a.score.toFixed(2),
      ]),
    ),
  );
}

/** Alerts with their state; an unacknowledged one has a button that calls `onAcknowledge`. */
function renderAlerts(
  d: DashboardData,
  onAcknowledge: (alert: DashboardAlert, button: HTMLButtonElement) => void,
): void {
  const container = byId('alerts');
  if (d.alerts.length === 0) {
    fill(container, empty('No alerts.'));
    return;
  }
  // Keep keyboard focus on the same alert's button across refreshes.
  const focused = document.activeElement?.getAttribute('data-alert-id');
  fill(
    container,
    table(
      `${d.alerts.length} most recent alerts, newest first`,
      [
        { label: 'Alert' },
        { label: 'Severity' },
        { label: 'Raised' },
        { label: 'State' },
        { label: 'Acknowledged' },
      ],
      d.alerts.map((a) => {
        let action: Child = a.acknowledgedAt ? f.time(a.acknowledgedAt) : '-';
        if (a.state !== 'acknowledged') {
          const button = h(
            'button',
            {
              type: 'button',
              class: 'ack',
              'data-alert-id': a.id,
              'aria-label': `Acknowledge alert: ${a.title}`,
            },
            'Acknowledge',
          );
          button.addEventListener('click', () => onAcknowledge(a, button));
          action = button;
        }
        return [
          a.title,
          badge(a.severity, a.severity),
          f.time(a.raisedAt),
          h('span', { class: `state state-${a.state}`, 'data-testid': 'alert-state' }, a.state),
          action,
        ];
      }),
    ),
  );
  if (focused) container.querySelector<HTMLElement>(`[data-alert-id="${CSS.escape(focused)}"]`)?.focus();
}

function renderDeadLetters(d: DashboardData): void {
  const container = byId('dead-letters');
  if (d.deadLetters.byReason.length === 0) {
    fill(container, empty('No dead-lettered events.'));
    return;
  }
  fill(
    container,
    barTable(
      `${f.count(d.deadLetters.total)} dead-lettered events by reason`,
      'Reason',
      d.deadLetters.byReason.map((r) => ({ label: r.reason, count: r.count })),
    ),
  );
}

function renderProblems(d: DashboardData): void {
  const box = byId('problems');
  box.hidden = d.problems.length === 0;
  fill(
    box,
    ...(d.problems.length
      ? [
          h('p', {}, 'Some sections could not be read:'),
          h('ul', {}, ...d.problems.map((p) => h('li', {}, p))),
        ]
      : []),
  );
}

/** Draws the whole page from one data read. */
export function render(
  d: DashboardData,
  onAcknowledge: (alert: DashboardAlert, button: HTMLButtonElement) => void,
): void {
  fill(byId('job'), d.job);
  renderProblems(d);
  renderTiles(d);
  renderCharts(d);
  renderPartitions(d);
  renderOutputs(d);
  renderTopProducts(d);
  renderAnomalies(d);
  renderAlerts(d, onAcknowledge);
  renderDeadLetters(d);
}
