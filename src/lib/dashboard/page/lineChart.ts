/// <reference lib="dom" />
import { s } from './dom';

/** One point of a time series; null values leave a gap. */
export interface SeriesPoint {
  readonly timeMs: number;
  readonly value: number | null;
}

export interface LineChartOptions {
  /** The time range shown: [fromMs, toMs]. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Formats a value for the axis and the latest-value label. */
  readonly format: (value: number) => string;
  /** CSS class of the line (its colour comes from the style sheet). */
  readonly tone: 'primary' | 'secondary';
  /** What the chart shows, for its accessible name's summary, e.g. 'Input events per second'. */
  readonly label: string;
}

const width = 640;
const height = 200;
const pad = { left: 56, right: 16, top: 14, bottom: 26 };

/** A rounded maximum for the y axis: 1, 2 or 5 times a power of ten, at least the data's maximum. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function clockLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit' });
}

/**
 * An SVG line chart of a time series, drawn to a fixed view box that scales with its container.
 * It is an image with an accessible name summarising the series (latest, minimum and maximum values).
 */
export function lineChart(points: readonly SeriesPoint[], o: LineChartOptions): SVGElement {
  const shown = points.filter((p) => p.timeMs >= o.fromMs && p.timeMs <= o.toMs);
  const values = shown.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = niceMax(Math.max(0, ...values));
  const span = Math.max(1, o.toMs - o.fromMs);
  const x = (t: number): number => pad.left + ((t - o.fromMs) / span) * (width - pad.left - pad.right);
  const y = (v: number): number => pad.top + (1 - v / top) * (height - pad.top - pad.bottom);

  // The line: a gap wherever a value is missing.
  let d = '';
  let pen = false;
  for (const p of shown) {
    if (p.value === null || !Number.isFinite(p.value)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.timeMs).toFixed(1)},${y(p.value).toFixed(1)}`;
    pen = true;
  }
  const latest = [...shown].reverse().find((p) => p.value !== null && Number.isFinite(p.value));
  const summary =
    values.length === 0
      ? `${o.label}: no data yet.`
      : `${o.label}: latest ${o.format(latest!.value!)}, minimum ${o.format(Math.min(...values))}, ` +
        `maximum ${o.format(Math.max(...values))}, over ${values.length} points.`;

  const grid = [0, 0.5, 1].map((f) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: pad.left, x2: width - pad.right, y1: y(top * f), y2: y(top * f) }),
      s('text', { x: pad.left - 6, y: y(top * f) + 4, 'text-anchor': 'end' }, o.format(top * f)),
    ),
  );
  const axis = s(
    'g',
    { class: 'axis' },
    s('text', { x: pad.left, y: height - 6, 'text-anchor': 'start' }, clockLabel(o.fromMs)),
    s('text', { x: width - pad.right, y: height - 6, 'text-anchor': 'end' }, clockLabel(o.toMs)),
  );
  const marker = latest
    ? s(
        'g',
        { class: 'latest' },
        s('circle', { cx: x(latest.timeMs), cy: y(latest.value!), r: 4 }),
        s(
          'text',
          {
            x: Math.min(x(latest.timeMs), width - pad.right) - 6,
            y: Math.max(y(latest.value!) - 8, pad.top + 10),
            'text-anchor': 'end',
          },
          o.format(latest.value!),
        ),
      )
    : null;
  return s(
    'svg',
    {
      class: `chart-svg tone-${o.tone}`,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': summary,
      'data-points': values.length,
    },
    s('title', {}, summary),
    ...grid,
    axis,
    s('path', { class: 'line', d, 'data-testid': 'line' }),
    marker,
  );
}
