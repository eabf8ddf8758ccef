import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The dashboard page: one self-contained HTML document and the policy that lets only its own code run. */
export interface DashboardPage {
  readonly html: string;
  /** Content-Security-Policy: the inline script and style by hash, data calls to the same origin only. */
  readonly contentSecurityPolicy: string;
}

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Inlines the style sheet and script into the template (at its `/*style*\/` and `/*script*\/`
 * markers) and derives a Content-Security-Policy that allows exactly them: no other script, no remote
 * resource, no framing.
 */
export function composeDashboardPage(template: string, css: string, js: string): DashboardPage {
  const styleAt = /<style>\s*\/\*style\*\/\s*<\/style>/;
  const scriptAt = /<script>\s*\/\*script\*\/\s*<\/script>/;
  if (!styleAt.test(template) || !scriptAt.test(template)) {
    throw new Error('dashboard template: expected the /*style*/ and /*script*/ markers, found none');
  }
  const html = template
    .replace(styleAt, () => `<style>${css}</style>`)
    .replace(scriptAt, () => `<script>${js}</script>`);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(js)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** The nearest folder at or above `from` that holds a package.json: the app's root. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`dashboard: no package.json at or above ${from}`);
  }
}

/** Where `npm run build` writes the front end (scripts/build-dashboard.cjs). */
export function dashboardAssetsDir(): string {
  return join(packageRoot(__dirname), 'dist', 'dashboard');
}

let cached: Promise<DashboardPage> | undefined;

/** The page, read from the built assets once per process. A failed read is retried on the next call. */
export function loadDashboardPage(dir = dashboardAssetsDir()): Promise<DashboardPage> {
  cached ??= (async () => {
    const read = (name: string): Promise<string> =>
      readFile(join(dir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(
          `dashboard: cannot read ${join(dir, name)} (${error.code ?? error.message}); run npm run build`,
        );
      });
    const [template, css, js] = await Promise.all([
      read('index.html'),
      read('dashboard.css'),
      read('dashboard.js'),
    ]);
    return composeDashboardPage(template, css, js);
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
