/**
 * Helpers for the infrastructure tests: where things are, which app settings the code reads (parsed from
 * its source), which ones infra/bicep/main.bicep sets (parsed from the Bicep source), the role matrix,
 * and where the Bicep CLI is.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const bicepDir = path.join(repoRoot, 'infra', 'bicep');
export const mainBicepPath = path.join(bicepDir, 'main.bicep');

export function readRepoFile(relativePath: string): string {
  return readFileSync(path.join(repoRoot, relativePath), 'utf8');
}

export function listFiles(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, extension));
    else if (full.endsWith(extension)) out.push(full);
  }
  return out.sort();
}

// ---------------------------------------------------------------------------------------------------
// App settings the code reads

/** Identifier-like setting names: letters, digits, underscores; not ending with an underscore. */
const settingName = /^[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]$/;

function stringLiterals(text: string): string[] {
  return [...text.matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** Every value `ident` can take in `source`: the string literals of its `const ident = ...;` initializer. */
function constValues(source: string, ident: string): string[] | undefined {
  const m = new RegExp(`\\bconst\\s+${ident}\\b[^=]*=([\\s\\S]*?);`).exec(source);
  if (!m?.[1]) return undefined;
  const values = stringLiterals(m[1]).filter((v) => settingName.test(v));
  return values.length > 0 ? [...new Set(values)] : undefined;
}

/** When `ident` is a string parameter of a function taking (env, ident, ...): the literals callers pass. */
function parameterValues(source: string, ident: string): string[] | undefined {
  const fn = new RegExp(`function\\s+(\\w+)\\s*\\(\\s*env\\b[^,)]*,\\s*${ident}\\s*:\\s*string`).exec(source);
  if (!fn?.[1]) return undefined;
  const calls = [...source.matchAll(new RegExp(`\\b${fn[1]}\\(\\s*env\\s*,\\s*'([^']+)'`, 'g'))];
  return calls.map((c) => c[1] ?? '').filter((v) => settingName.test(v));
}

function resolveIdentifier(sources: readonly string[], ident: string): string[] {
  for (const source of sources) {
    const values = constValues(source, ident) ?? parameterValues(source, ident);
    if (values && values.length > 0) return values;
  }
  throw new Error(
    `cannot tell which setting env[${ident}] reads: declare it as a const with a string literal, ` +
      'or teach test/infra/infraSupport.ts the new pattern',
  );
}

function expandTemplate(sources: readonly string[], template: string): string[] {
  const parts = template.split(/(\$\{[^}]+\})/).filter((p) => p !== '');
  let results = [''];
  for (const part of parts) {
    const ident = /^\$\{\s*(\w+)\s*\}$/.exec(part)?.[1];
    const options = ident ? resolveIdentifier(sources, ident) : [part];
    results = results.flatMap((r) => options.map((o) => r + o));
  }
  return results;
}

export interface SettingsReadByCode {
  /** Every setting name read, e.g. EVENTHUB_NAME, AzureWebJobsStorage__tableServiceUri. */
  readonly names: ReadonlySet<string>;
  /** Names read through binding expressions (%NAME%) in src/functions. */
  readonly bindingNames: ReadonlySet<string>;
  /** Connection prefixes given to triggers (`connection: ...`), e.g. EventHubConnection. */
  readonly connectionPrefixes: ReadonlySet<string>;
}

/** The source files that parse app settings: src/lib/config, and every file with an `env: Environment` parser. */
export function settingsSourceFiles(): string[] {
  const config = listFiles(path.join(repoRoot, 'src', 'lib', 'config'), '.ts');
  const parsers = listFiles(path.join(repoRoot, 'src'), '.ts').filter((f) =>
    /\(\s*env\s*:\s*Environment\b/.test(readFileSync(f, 'utf8')),
  );
  return [...new Set([...config, ...parsers])].sort();
}

/**
 * The settings the app reads: `env.X`, `env['X']`, env[`${prefix}__x`], `env[ident]` and helpers called as
 * `f(env, 'X')` in the settings parsers (see settingsSourceFiles), plus %X% binding expressions and
 * `connection:` prefixes in src/functions. An `env[...]` whose name cannot be resolved fails loudly rather
 * than being skipped.
 */
export function settingsReadByCode(): SettingsReadByCode {
  const configSources = settingsSourceFiles().map((f) => readFileSync(f, 'utf8'));
  const functionSources = listFiles(path.join(repoRoot, 'src', 'functions'), '.ts').map((f) =>
    readFileSync(f, 'utf8'),
  );
  const names = new Set<string>();
  for (const source of configSources) {
    // Identifiers resolve in their own file first.
    const scope = [source, ...configSources.filter((s) => s !== source)];
    for (const m of source.matchAll(/\benv\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1] ?? '');
    for (const m of source.matchAll(/\benv\[\s*(?:'([^']+)'|"([^"]+)")\s*\]/g)) names.add(m[1] ?? m[2] ?? '');
    for (const m of source.matchAll(/\benv\[\s*`([^`]+)`\s*\]/g)) {
      for (const n of expandTemplate(scope, m[1] ?? '')) names.add(n);
    }
    for (const m of source.matchAll(/\benv\[\s*([A-Za-z_]\w*)\s*\]/g)) {
      for (const n of resolveIdentifier(scope, m[1] ?? '')) names.add(n);
    }
    for (const m of source.matchAll(/\b\w+\(\s*env\s*,\s*'([A-Za-z][A-Za-z0-9_]*)'/g)) names.add(m[1] ?? '');
  }
  const bindingNames = new Set<string>();
  const connectionPrefixes = new Set<string>();
  const allSources = [...configSources, ...functionSources];
  for (const source of functionSources) {
    for (const m of source.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)%/g)) bindingNames.add(m[1] ?? '');
    for (const m of source.matchAll(/\bconnection\s*:\s*(?:'([^']+)'|([A-Za-z_]\w*))/g)) {
      if (m[1]) connectionPrefixes.add(m[1]);
      else for (const v of resolveIdentifier([source, ...allSources], m[2] ?? '')) connectionPrefixes.add(v);
    }
  }
  names.delete('');
  for (const b of bindingNames) names.add(b);
  return { names, bindingNames, connectionPrefixes };
}

/** Splits `P__suffix` into [P, suffix]; a plain name gives [name, undefined]. */
export function splitSetting(name: string): [string, string | undefined] {
  const i = name.indexOf('__');
  return i < 0 ? [name, undefined] : [name.slice(0, i), name.slice(i + 2)];
}

/** Prefixes that the code reads in the `P` / `P__x` connection form. */
export function connectionGroups(names: ReadonlySet<string>): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const name of names) {
    const [prefix, suffix] = splitSetting(name);
    if (suffix === undefined) continue;
    const group = groups.get(prefix) ?? new Set<string>();
    group.add(suffix);
    groups.set(prefix, group);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------
// Bicep source

export interface BicepParam {
  readonly type: string;
  readonly defaultText: string | undefined;
}

/** `param name type = default` declarations of a Bicep file (single-line defaults). */
export function bicepParams(source: string): Map<string, BicepParam> {
  const params = new Map<string, BicepParam>();
  for (const m of source.matchAll(/^param\s+(\w+)\s+([\w.[\]]+)(?:\s*=\s*(.+))?$/gm)) {
    params.set(m[1] ?? '', { type: m[2] ?? '', defaultText: m[3]?.trim() });
  }
  return params;
}

/** Output names of a Bicep file. */
export function bicepOutputs(source: string): Set<string> {
  return new Set([...source.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1] ?? ''));
}

/** The `var appSettings ... = { ... }` object of main.bicep: setting name to Bicep expression text. */
export function bicepAppSettings(source: string): Map<string, string> {
  const start = /^var appSettings\b[^=]*=\s*\{\s*$/m.exec(source);
  if (!start) throw new Error('main.bicep: var appSettings = { ... } not found');
  const body = source.slice(start.index + start[0].length);
  const end = /^\}\s*$/m.exec(body);
  if (!end) throw new Error('main.bicep: end of var appSettings not found');
  const settings = new Map<string, string>();
  let current: string | undefined;
  for (const line of body.slice(0, end.index).split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(trimmed);
    if (m?.[1] && /^ {2}\S/.test(line)) {
      current = m[1];
      settings.set(current, m[2] ?? '');
    } else if (current) {
      settings.set(current, `${settings.get(current) ?? ''} ${trimmed}`.trim());
    }
  }
  return settings;
}

function unquote(text: string): string | undefined {
  const m = /^'((?:[^'\\]|\\.)*)'$/.exec(text.trim());
  return m ? (m[1] ?? '').replace(/\\'/g, "'") : undefined;
}

/**
 * The value a Bicep setting expression has with main.bicep's parameter defaults; module outputs (known
 * only at deployment) become realistic placeholders.
 */
export function evaluateSetting(
  name: string,
  expression: string,
  params: ReadonlyMap<string, BicepParam>,
): string {
  const literal = unquote(expression);
  if (literal !== undefined) return literal;
  const paramDefault = (ident: string): string | undefined => {
    const text = params.get(ident)?.defaultText;
    if (text === undefined) return undefined;
    return unquote(text) ?? text;
  };
  const plain = /^(\w+)$/.exec(expression)?.[1];
  if (plain) {
    const value = paramDefault(plain);
    if (value !== undefined) return value;
  }
  const asString = /^string\((\w+)\)$/.exec(expression)?.[1];
  if (asString) {
    const value = paramDefault(asString);
    if (value !== undefined) return value;
  }
  const whenEmpty = /^empty\((\w+)\)\s*\?\s*''/.exec(expression)?.[1];
  if (whenEmpty && paramDefault(whenEmpty) === '') return '';
  const service = /__(blob|queue|table)ServiceUri$/.exec(name)?.[1];
  if (service) return `https://stexample.${service}.core.windows.net/`;
  if (name.endsWith('__fullyQualifiedNamespace')) return 'evhns-example.servicebus.windows.net';
  if (/clientId$|CLIENT_ID$/i.test(name)) return '00000000-0000-0000-0000-000000000000';
  if (/\.outputs\.eventHubName$/.test(expression)) return paramDefault('eventHubName') ?? 'clickstream';
  if (/\.outputs\.appConsumerGroupName$/.test(expression)) return paramDefault('consumerGroupName') ?? 'app';
  return `placeholder-for-${name}`;
}

// ---------------------------------------------------------------------------------------------------
// Roles

export interface RoleMatrix {
  readonly roleIds: Record<string, string>;
  readonly [principal: string]: Record<string, string | string[]>;
}

export function roleMatrix(): RoleMatrix {
  return JSON.parse(readRepoFile('infra/bicep/roles.json')) as RoleMatrix;
}

/** Role names the matrix grants `principal` on `scope` (e.g. app / storage). */
export function rolesOf(matrix: RoleMatrix, principal: string, scope: string): string[] {
  const scopes = matrix[principal];
  const roles = scopes?.[scope];
  return Array.isArray(roles) ? roles : [];
}

/** The principals and scopes of the matrix (the `$comment` keys aside). */
export function matrixEntries(matrix: RoleMatrix): { principal: string; scope: string; roles: string[] }[] {
  const out: { principal: string; scope: string; roles: string[] }[] = [];
  for (const [principal, scopes] of Object.entries(matrix)) {
    if (principal === 'roleIds' || principal.startsWith('$')) continue;
    for (const [scope, roles] of Object.entries(scopes)) {
      if (Array.isArray(roles)) out.push({ principal, scope, roles });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Bicep CLI

/** The version scripts/install-bicep.sh installs. */
export function pinnedBicepVersion(): string {
  const m = /version="\$\{BICEP_VERSION:-([^}]+)\}"/.exec(readRepoFile('scripts/install-bicep.sh'));
  if (!m?.[1]) throw new Error('scripts/install-bicep.sh: pinned version not found');
  return m[1];
}

/** The Bicep CLI: $BICEP_CLI, then .tools/bicep/bicep (scripts/install-bicep.sh), then `bicep` on PATH. */
export function findBicepCli(): string | undefined {
  const candidates = [process.env['BICEP_CLI'], path.join(repoRoot, '.tools', 'bicep', 'bicep')];
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'bicep'));
  }
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'pipe', timeout: 60_000 });
      return candidate;
    } catch {
      // not runnable here; try the next one
    }
  }
  return undefined;
}
