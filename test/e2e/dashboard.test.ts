import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { alertKeyOf } from '../../src/lib/alerts/alertKey';
import type { AlertRecord } from '../../src/lib/alerts/alertRecord';
import type { AnomalyEvent } from '../../src/lib/anomaly/anomalyEvent';
import { getClickPulseApp } from '../../src/lib/app/clickPulseApp';
import { LocalRuntime } from '../../src/lib/local/localRuntime';
import { azuriteConnectionString, uniqueName } from '../support/azurite';

/** Debian's Chromium (package chromium); .ci/run installs it when missing. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const artifacts = join(__dirname, '../../test-artifacts');

async function eventually<T>(read: () => T | undefined, timeoutInMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutInMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Two anomalies (through the dashboard's anomaly port) and their alerts (in the alert store). */
function seeded(startMs: number): { anomalies: AnomalyEvent[]; alerts: AlertRecord[] } {
  const at = (offsetInMs: number): string => new Date(startMs + offsetInMs).toISOString();
  const anomalies: AnomalyEvent[] = [
    {
      id: `botClickRate|user-0042|${at(0)}`,
      rule: 'botClickRate',
      key: 'user-0042',
      severity: 'critical',
      score: 0.97,
      windowEnd: at(0),
      evidence: { clicksPerMinute: 480, baseline: 12 },
    },
    {
      id: `spike|add_to_cart|${at(-60_000)}`,
      rule: 'spike',
      key: 'add_to_cart',
      severity: 'warning',
      score: 0.71,
      windowEnd: at(-60_000),
      evidence: { observed: 92, expected: 40 },
    },
  ];
  const alert = (a: AnomalyEvent, status: AlertRecord['status']): AlertRecord => ({
    alertKey: alertKeyOf(a.id),
    anomaly: a,
    status,
    channels: a.severity === 'critical' ? ['email', 'sms'] : ['email'],
    createdAt: a.windowEnd,
    updatedAt: a.windowEnd,
    ...(status === 'escalated' ? { escalatedAt: a.windowEnd } : {}),
  });
  return { anomalies, alerts: [alert(anomalies[0]!, 'sent'), alert(anomalies[1]!, 'escalated')] };
}

describe('dashboard in headless Chromium (npm start wiring)', () => {
  it('draws live charts, updates its numbers, acknowledges an alert, and works offline', async () => {
    if (!existsSync(executablePath)) {
      throw new Error(
        `Chromium not found at ${executablePath}: install Debian's chromium (apt-get install -y chromium) ` +
          'or set CHROMIUM_PATH',
      );
    }
    const lines: string[] = [];
    const seed = seeded(Date.now());
    const runtime = new LocalRuntime({
      partitions: 2,
      eventsPerSecond: 150,
      seed: 11,
      users: 300,
      products: 40,
      durationInMs: undefined,
      summaryIntervalInMs: 5000,
      dashboardPort: 0,
      dashboardFeeds: { anomalies: { recent: (limit) => Promise.resolve(seed.anomalies.slice(0, limit)) } },
      env: {
        AzureWebJobsStorage: azuriteConnectionString(),
        CLICKPULSE_STATE_TABLE: uniqueName('dash'),
        CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
        CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
        CLICKPULSE_ALERT_TABLE: uniqueName('alerts'),
        CLICKPULSE_OUTBOX_CONTAINER: uniqueName('outbox'),
      },
      write: (line) => lines.push(line),
    });
    const running = runtime.run();
    let browser: Browser | undefined;
    try {
      // npm start prints the dashboard's URL in its banner.
      const url = await eventually(
        () => /dashboard:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/dashboard)\b/.exec(lines.join('\n'))?.[1],
        30_000,
        'the dashboard URL in the terminal summary',
      );
      const origin = new URL(url).origin;
      // Alerts as the alerting stores them; the page reads them back through the data endpoint.
      const app = await getClickPulseApp();
      for (const record of seed.alerts) expect(await app.alerting.store.claim(record)).toBe(true);
      browser = await chromium.launch({ executablePath, args: chromiumArgs, timeout: 30_000 });
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
      });
      await page.goto(url);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^ClickPulse/);

      // The charts draw: both traffic charts have a line through several stored samples (5 s apart).
      await page.waitForFunction(
        () =>
          ['#chart-rate svg', '#chart-delay svg'].every(
            (s) => Number(document.querySelector(s)?.getAttribute('data-points') ?? 0) >= 4,
          ),
        null,
        { timeout: 60_000 },
      );
      const line = await page.locator('#chart-rate path.line').getAttribute('d');
      expect(line).toMatch(/^M[\d.]+,[\d.]+L/);
      expect(await page.locator('#chart-rate svg').getAttribute('aria-label')).toMatch(
        /^Input events per second: latest [\d.,]+/,
      );

      // Live traffic: the total input events differ between two reads.
      const before = await page.locator('#tile-input').textContent();
      await page.waitForFunction((b) => document.querySelector('#tile-input')?.textContent !== b, before, {
        timeout: 15_000,
      });
      const after = await page.locator('#tile-input').textContent();
      expect(Number(after!.replace(/,/g, ''))).toBeGreaterThan(Number(before!.replace(/,/g, '')));

      // Panels fed by the read models: latest output rows, top products, partitions.
      await page.locator('#outputs table tbody tr').first().waitFor({ timeout: 45_000 });
      expect(await page.locator('#outputs caption').first().textContent()).toMatch(
        /^PowerBIOutput: window ending/,
      );
      await page.locator('#top-clicks tbody tr').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('#partitions tbody tr').count()).toBe(2);
      expect(await page.locator('#anomalies tbody tr').count()).toBe(2);

      // Acknowledge with the keyboard: focus the button, press Enter, see the state change.
      const state = page
        .locator('#alerts tbody tr', { hasText: 'botClickRate: user-0042' })
        .getByTestId('alert-state');
      expect(await state.textContent()).toBe('sent');
      const ack = page.getByRole('button', { name: 'Acknowledge alert: botClickRate: user-0042' });
      await ack.focus();
      await page.keyboard.press('Enter');
      await state.filter({ hasText: 'acknowledged' }).waitFor({ timeout: 10_000 });
      // Stored: the real POST /api/alerts/{id}/ack handler changed the alert store.
      expect((await app.alerting.store.get(seed.alerts[0]!.alertKey))?.status).toBe('acknowledged');
      await page.locator('#status', { hasText: 'Alert acknowledged' }).waitFor({ timeout: 5_000 });

      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });

      // Self-contained: every request went to the app itself (no CDN), and nothing failed.
      expect(requests.filter((r) => !r.startsWith(origin))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
      runtime.stop();
      await running;
    }
  }, 150_000);
});
