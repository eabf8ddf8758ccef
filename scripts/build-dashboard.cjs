'use strict';
/**
 * Builds the dashboard's front end into dist/dashboard/: index.html, dashboard.css and dashboard.js,
 * one script bundled from src/lib/dashboard/page/main.ts and the page modules it imports. TypeScript
 * (a devDependency) transpiles each module; a few lines below link them. No chart library, no CDN: the
 * GET /api/dashboard function inlines these files into one self-contained page.
 *
 * Usage: node scripts/build-dashboard.cjs [outDir]   (npm run build runs it after tsc)
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const pageDir = path.join(root, 'src', 'lib', 'dashboard', 'page');

/** Transpiles one module to CommonJS; throws on a syntax error. */
function transpile(file) {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      isolatedModules: true,
      removeComments: true,
      sourceMap: false,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(
      `${file}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`,
    );
  }
  return out.outputText;
}

/** Bundles `entry` and the page modules it imports (type-only imports vanish in transpiling). */
function bundle(entry) {
  const ids = new Map();
  const defs = [];
  const visit = (file) => {
    const known = ids.get(file);
    if (known) return known;
    const id = path.relative(pageDir, file).split(path.sep).join('/');
    ids.set(file, id);
    const code = transpile(file).replace(/\brequire\((["'])([^"']+)\1\)/g, (_, _q, spec) => {
      if (!spec.startsWith('.')) {
        throw new Error(`${file}: the page may import only its own modules, received "${spec}"`);
      }
      const target = path.resolve(path.dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`);
      if (!target.startsWith(pageDir + path.sep) || !fs.existsSync(target)) {
        throw new Error(
          `${file}: "${spec}" is not a page module (values must come from ${pageDir}; types may come from anywhere)`,
        );
      }
      return `require(${JSON.stringify(visit(target))})`;
    });
    defs.push(`${JSON.stringify(id)}: (require, module, exports) => {\n${code}\n}`);
    return id;
  };
  const main = visit(entry);
  return [
    '(() => {',
    "'use strict';",
    `const defs = {\n${defs.join(',\n')}\n};`,
    'const cache = {};',
    'const load = (id) => {',
    '  if (cache[id]) return cache[id].exports;',
    '  const module = (cache[id] = { exports: {} });',
    '  defs[id](load, module, module.exports);',
    '  return module.exports;',
    '};',
    `load(${JSON.stringify(main)});`,
    '})();',
    '',
  ].join('\n');
}

/** Writes the three files; returns their paths. */
function buildDashboard(outDir = path.join(root, 'dist', 'dashboard')) {
  const js = bundle(path.join(pageDir, 'main.ts'));
  const css = fs.readFileSync(path.join(pageDir, 'dashboard.css'), 'utf8');
  const html = fs.readFileSync(path.join(pageDir, 'index.html'), 'utf8');
  // Both are inlined into the page: their text must not close the element that holds them.
  if (/<\/script/i.test(js)) throw new Error('dashboard.js: must not contain "</script"');
  if (/<\/style/i.test(css)) throw new Error('dashboard.css: must not contain "</style"');
  fs.mkdirSync(outDir, { recursive: true });
  const files = {
    'dashboard.js': js,
    'dashboard.css': css,
    'index.html': html,
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(outDir, name), text);
  return Object.keys(files).map((name) => path.join(outDir, name));
}

module.exports = { buildDashboard, bundle };

if (require.main === module) {
  const written = buildDashboard(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  process.stdout.write(`dashboard: wrote ${written.map((f) => path.relative(root, f)).join(', ')}\n`);
}
