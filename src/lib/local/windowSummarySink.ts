import type { EmittedRow } from '../engine/applyBatch';
import type { OutputSink } from '../ports/outputSink';

/** Keeps what the terminal summary shows: rows and windows emitted, and the latest window's rows. */
export class WindowSummarySink implements OutputSink {
  rows = 0;
  windows = 0;
  latestWindowEndMs: number | undefined;
  latestRows: EmittedRow[] = [];
  private readonly seen = new Set<string>();

  writeWindowRows(rows: readonly EmittedRow[]): Promise<void> {
    for (const r of rows) {
      this.rows++;
      const id = `${r.output}|${r.timestampMs}`;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        this.windows++;
      }
      if (this.latestWindowEndMs === undefined || r.timestampMs > this.latestWindowEndMs) {
        this.latestWindowEndMs = r.timestampMs;
        this.latestRows = [];
      }
      if (r.timestampMs === this.latestWindowEndMs) this.latestRows.push(r);
    }
    return Promise.resolve();
  }

  writeEventRows(rows: readonly EmittedRow[]): Promise<void> {
    this.rows += rows.length;
    return Promise.resolve();
  }

  /** Products of the latest window by summed `countColumn`, largest first. */
  topProducts(limit: number, countColumn = 'ClickCount', productColumn = 'ProductId'): [string, number][] {
    const totals = new Map<string, number>();
    for (const r of this.latestRows) {
      const product = r.row[productColumn];
      const count = r.row[countColumn];
      if (typeof product !== 'string' || typeof count !== 'number') continue;
      totals.set(product, (totals.get(product) ?? 0) + count);
    }
    return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  }
}
