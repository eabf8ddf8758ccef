/// <reference lib="dom" />
/**
 * The dashboard page's script: polls the data endpoint (every refreshIntervalInMs, 2 s by default)
 * and redraws. Built into one file by scripts/build-dashboard.cjs and inlined into the page.
 */
import type { DashboardData } from '../dashboardData';
import type { DashboardAlert } from '../feeds';
import { apiFor } from './api';
import { byId } from './dom';
import { render } from './render';
import { time } from './format';

const api = apiFor(window.location);
const status = byId('status');
const updated = byId('updated');
const pause = byId<HTMLButtonElement>('pause');
let paused = false;
let timer: number | undefined;
let last: DashboardData | undefined;
let failing = false;
let running = false;
let again = false;

/** Announces a change (connection, pause, acknowledgement) to screen readers; routine refreshes are silent. */
function announce(text: string): void {
  status.textContent = text;
}

function acknowledge(alert: DashboardAlert, button: HTMLButtonElement): void {
  button.disabled = true;
  button.textContent = 'Acknowledging...';
  api.acknowledge(alert.id).then(
    (result) => {
      announce(result ? `Alert acknowledged: ${alert.title}` : `Alert not found: ${alert.title}`);
      void refresh();
    },
    (error: unknown) => {
      button.disabled = false;
      button.textContent = 'Acknowledge';
      announce(`Could not acknowledge the alert: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
}

async function refresh(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  window.clearTimeout(timer);
  try {
    last = await api.data();
    render(last, acknowledge);
    updated.textContent = `Updated ${time(last.now)}`;
    document.body.dataset.state = 'live';
    if (failing) announce('Connected again.');
    failing = false;
  } catch (error) {
    document.body.dataset.state = 'error';
    if (!failing)
      announce(
        `Cannot read the dashboard data, retrying: ${error instanceof Error ? error.message : String(error)}`,
      );
    failing = true;
  } finally {
    running = false;
  }
  if (again) {
    again = false;
    return refresh();
  }
  if (!paused) timer = window.setTimeout(() => void refresh(), last?.refreshIntervalInMs ?? 2000);
}

pause.addEventListener('click', () => {
  paused = !paused;
  pause.setAttribute('aria-pressed', String(paused));
  pause.textContent = paused ? 'Resume updates' : 'Pause updates';
  announce(paused ? 'Updates paused.' : 'Updates resumed.');
  if (paused) window.clearTimeout(timer);
  else void refresh();
});

void refresh();
