import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertPort } from '../ports/anomalyStore';

/** The replay's alert port: one JSON line per anomaly (each id once per run), appended to a file. */
export function fileAnomalyPort(path: string): AlertPort & { readonly count: () => number } {
  const seen = new Set<string>();
  let ready = false;
  return {
    async deliver(events) {
      const fresh = events.filter((e) => !seen.has(e.id));
      if (fresh.length === 0) return;
      if (!ready) {
        await mkdir(dirname(path), { recursive: true });
        ready = true;
      }
      await appendFile(path, fresh.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
      for (const e of fresh) seen.add(e.id);
    },
    count: () => seen.size,
  };
}
