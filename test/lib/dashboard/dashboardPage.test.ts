import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeDashboardPage } from '../../../src/lib/dashboard/dashboardPage';

// The front-end build script (CommonJS, run by npm run build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildDashboard } = require('../../../scripts/build-dashboard.cjs') as {
  buildDashboard: (outDir: string) => string[];
};

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('composeDashboardPage', () => {
  it('inlines the style sheet and script and allows exactly them by hash', () => {
    const template =
      '<html><head><style>\n /*style*/ \n</style></head><body><script>\n/*script*/\n</script></body></html>';
    const page = composeDashboardPage(template, 'body{color:#000}', 'console.log("$&")');
    // Replacement patterns in the inlined text stay literal.
    expect(page.html).toBe(
      '<html><head><style>body{color:#000}</style></head><body><script>console.log("$&")</script></body></html>',
    );
    expect(page.contentSecurityPolicy).toContain(`script-src ${hash('console.log("$&")')}`);
    expect(page.contentSecurityPolicy).toContain(`style-src ${hash('body{color:#000}')}`);
    expect(() => composeDashboardPage('<html></html>', '', '')).toThrow(/markers/);
  });
});

describe('scripts/build-dashboard.cjs', () => {
  it('bundles the page modules into one script with no imports left, plus the style sheet and template', () => {
    const out = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const files = buildDashboard(out)
      .map((f) => f.slice(out.length + 1))
      .sort();
    expect(files).toEqual(['dashboard.css', 'dashboard.js', 'index.html']);
    const js = readFileSync(join(out, 'dashboard.js'), 'utf8');
    expect(js.startsWith('(() => {')).toBe(true);
    for (const id of ['main.ts', 'api.ts', 'render.ts', 'lineChart.ts', 'dom.ts', 'format.ts'])
      expect(js).toContain(`${JSON.stringify(id)}: (require, module, exports) =>`);
    // Only the bundle's own module ids are required: nothing from node_modules or a CDN.
    const required = [...js.matchAll(/require\(("[^"]+")\)/g)].map((m) => JSON.parse(m[1]!) as string);
    expect(required.every((id) => /^[a-zA-Z]+\.ts$/.test(id))).toBe(true);
    expect(js).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('/*style*/');
    expect(html).toContain('/*script*/');
  });
});
