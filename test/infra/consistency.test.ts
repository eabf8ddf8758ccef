/**
 * Keeps the code, the Bicep, the local settings and the docs in step (no Bicep CLI needed):
 * - every app setting the code reads is set by infra/bicep/main.bicep (identity-based) or documented as
 *   optional with its default, appears in local.settings.sample.json, and is documented;
 * - the settings Bicep sets make a valid configuration for the code, and carry no keys;
 * - every Azure operation the code performs is covered by a role infra/bicep/roles.json grants, and
 *   modules/roleAssignments.bicep applies every entry of that matrix;
 * - azure.yaml, main.parameters.json and the post-provision hook fit main.bicep.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAppSettings } from '../../src/lib/config/appSettings';
import {
  bicepAppSettings,
  bicepOutputs,
  bicepParams,
  connectionGroups,
  evaluateSetting,
  listFiles,
  mainBicepPath,
  matrixEntries,
  readRepoFile,
  repoRoot,
  roleMatrix,
  rolesOf,
  settingsReadByCode,
  splitSetting,
} from './infraSupport';

const mainSource = readFileSync(mainBicepPath, 'utf8');
const read = settingsReadByCode();
const bicepSettings = bicepAppSettings(mainSource);
const params = bicepParams(mainSource);
const sample = (JSON.parse(readRepoFile('local.settings.sample.json')) as { Values: Record<string, string> })
  .Values;
const deployDoc = readRepoFile('docs/deploy-to-azure.md');
const readme = readRepoFile('README.md');

/**
 * Settings the sample must not list, with the reason. Only for settings whose mere presence changes
 * behaviour; each is still documented as optional with its default.
 */
const notInSample: Record<string, string> = {
  CLICKPULSE_STORAGE:
    'any CLICKPULSE_STORAGE* key switches the engine off AzureWebJobsStorage, so an empty one would break the sample',
};

/** The docs row of a setting: a table line whose first cell names it. */
function docRow(doc: string, name: string): string | undefined {
  return doc.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`[\\s|(]`).test(line));
}

function documentedOptional(name: string): boolean {
  const row = docRow(deployDoc, name);
  return row !== undefined && /\boptional\b/i.test(row) && /default/i.test(row);
}

/** Named in the deploy doc or the README: in full, or as `__suffix` on a line naming its prefix. */
function documented(name: string): boolean {
  const [prefix, suffix] = splitSetting(name);
  return [deployDoc, readme].some((doc) =>
    doc
      .split('\n')
      .some(
        (line) =>
          line.includes(name) ||
          (suffix !== undefined && line.includes(prefix) && line.includes(`__${suffix}`)),
      ),
  );
}

describe('app settings: code, Bicep, local.settings.sample.json and docs', () => {
  it('finds the settings the code reads (the parser still understands appSettings.ts)', () => {
    for (const known of [
      'EVENTHUB_NAME',
      'EVENTHUB_CONSUMER_GROUP',
      'EVENTHUB_PARTITION_COUNT',
      'CLOSE_WINDOWS_SCHEDULE',
      'EventHubConnection',
      'EventHubConnection__fullyQualifiedNamespace',
      'AzureWebJobsStorage',
      'AzureWebJobsStorage__tableServiceUri',
      'AzureWebJobsStorage__blobServiceUri',
      'CLICKPULSE_STATE_TABLE',
    ]) {
      expect(read.names, known).toContain(known);
    }
    expect(read.connectionPrefixes).toContain('EventHubConnection');
  });

  const groups = connectionGroups(read.names);
  const plainSettings = [...read.names].filter((n) => splitSetting(n)[1] === undefined && !groups.has(n));

  it.each(plainSettings)('%s is set by Bicep or documented as optional with its default', (name) => {
    expect(
      bicepSettings.has(name) || documentedOptional(name),
      `${name}: add it to var appSettings in infra/bicep/main.bicep, or document it in docs/deploy-to-azure.md ` +
        'as optional with its default',
    ).toBe(true);
  });

  it.each([...groups.keys()])(
    'connection %s is identity-based in Bicep (or documented as optional)',
    (prefix) => {
      if (documentedOptional(prefix)) return;
      const suffixes = groups.get(prefix) ?? new Set<string>();
      expect(bicepSettings.has(prefix), `${prefix} would be a connection string (a secret)`).toBe(false);
      expect(bicepSettings.get(`${prefix}__credential`)).toBe("'managedidentity'");
      expect(bicepSettings.has(`${prefix}__clientId`), `${prefix}__clientId`).toBe(true);
      for (const suffix of suffixes) {
        // __accountName is the shorthand of the service URIs that Bicep sets in full.
        if (suffix === 'accountName') continue;
        expect(bicepSettings.has(`${prefix}__${suffix}`), `${prefix}__${suffix}`).toBe(true);
      }
    },
  );

  it('the trigger connections are identity-based in Bicep', () => {
    for (const prefix of read.connectionPrefixes) {
      expect(bicepSettings.get(`${prefix}__credential`), prefix).toBe("'managedidentity'");
      expect(bicepSettings.has(`${prefix}__fullyQualifiedNamespace`), prefix).toBe(true);
    }
  });

  it.each([...read.names])('%s appears in local.settings.sample.json', (name) => {
    const [prefix] = splitSetting(name);
    if (notInSample[prefix]) {
      expect(documentedOptional(prefix), `${prefix} is left out of the sample, so document it`).toBe(true);
      return;
    }
    const keys = Object.keys(sample);
    const present = groups.has(prefix)
      ? keys.some((k) => k === prefix || k.startsWith(`${prefix}__`))
      : keys.includes(name);
    expect(present, `add ${groups.has(prefix) ? prefix : name} to local.settings.sample.json`).toBe(true);
  });

  it.each([...read.names])('%s is documented (docs/deploy-to-azure.md or README.md)', (name) => {
    expect(documented(name), `document ${name}`).toBe(true);
  });

  it.each([...bicepSettings.keys()])('%s (set by Bicep) is documented in docs/deploy-to-azure.md', (name) => {
    expect(docRow(deployDoc, name), `add a row for ${name} to the settings table`).toBeDefined();
  });

  it('Bicep sets no key, connection string or setting that Flex Consumption rejects', () => {
    const flexRejects = [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'WEBSITE_CONTENTSHARE',
      'WEBSITE_NODE_DEFAULT_VERSION',
      'SCM_DO_BUILD_DURING_DEPLOYMENT',
      'WEBSITE_TIME_ZONE',
      'AzureWebJobsStorage',
      'EventHubConnection',
      'CLICKPULSE_STORAGE',
      'APPINSIGHTS_INSTRUMENTATIONKEY',
    ];
    for (const name of flexRejects) expect(bicepSettings.has(name), name).toBe(false);
    for (const [name, expression] of bicepSettings) {
      expect(expression, name).not.toMatch(
        /AccountKey|SharedAccessKey|listKeys|listConnectionStrings|\.listKeys\(/,
      );
    }
    // The remaining secrets reach the app as Key Vault references only.
    for (const name of ['TWILIO_AUTH_TOKEN', 'TWILIO_ONCALL_NUMBERS']) {
      expect(bicepSettings.get(name), name).toMatch(/keyVaultReference\(/);
    }
  });

  it("the settings Bicep sets are a valid configuration for the app (with main.bicep's defaults)", () => {
    const env = Object.fromEntries(
      [...bicepSettings].map(([name, expression]) => [name, evaluateSetting(name, expression, params)]),
    );
    const settings = parseAppSettings(env);
    expect(settings.storage.kind).toBe('identity');
    expect(settings.storage.kind === 'identity' && settings.storage.clientId).toBeTruthy();
    expect(settings.eventHub.partitionIds).toHaveLength(
      Number(params.get('eventHubPartitionCount')?.defaultText),
    );
    expect(settings.eventHub.consumerGroup).not.toBe('$Default');
  });

  it('...and with the values of main.parameters.json', () => {
    const file = JSON.parse(readRepoFile('infra/bicep/main.parameters.json')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const merged = new Map(params);
    for (const [name, { value }] of Object.entries(file.parameters)) {
      if (typeof value === 'string' && value.includes('${')) continue; // azd fills these in
      const declared = params.get(name);
      if (!declared) continue;
      merged.set(name, {
        ...declared,
        defaultText: typeof value === 'string' ? `'${value}'` : JSON.stringify(value),
      });
    }
    const env = Object.fromEntries(
      [...bicepSettings].map(([name, expression]) => [name, evaluateSetting(name, expression, merged)]),
    );
    expect(() => parseAppSettings(env)).not.toThrow();
  });

  it('the post-provision hook writes a valid local configuration from the Bicep outputs', () => {
    const hook = createRequire(__filename)(path.join(repoRoot, 'scripts', 'write-local-settings.cjs')) as {
      required: string[];
      localSettingsValues: (env: Record<string, string>) => Record<string, string>;
    };
    const outputs = bicepOutputs(mainSource);
    for (const name of hook.required) expect(outputs, `main.bicep output ${name}`).toContain(name);
    const env = Object.fromEntries(hook.required.map((name) => [name, `value-of-${name}`]));
    Object.assign(env, {
      AZURE_STORAGE_BLOB_ENDPOINT: 'https://st.blob.core.windows.net/',
      AZURE_STORAGE_QUEUE_ENDPOINT: 'https://st.queue.core.windows.net/',
      AZURE_STORAGE_TABLE_ENDPOINT: 'https://st.table.core.windows.net/',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_PARTITION_COUNT: '4',
      CLICKPULSE_STATE_TABLE: 'clickpulsestate',
      CLICKPULSE_ARCHIVE_CONTAINER: 'clickpulse-archive',
      CLICKPULSE_DEADLETTER_CONTAINER: 'clickpulse-deadletter',
    });
    const values = hook.localSettingsValues(env);
    const settings = parseAppSettings(values);
    expect(settings.storage.kind).toBe('identity');
    expect(settings.stateTableName).not.toBe('clickpulsestate');
    expect(values['EVENTHUB_CONSUMER_GROUP']).toBe(env['EVENTHUB_LOCAL_CONSUMER_GROUP']);
    // Every setting Bicep gives the deployed app has a local counterpart (runtime aside).
    for (const name of bicepSettings.keys()) {
      if (/__credential$|__clientId$|^APPLICATIONINSIGHTS_|^AZURE_CLIENT_ID$/.test(name)) continue;
      expect(Object.keys(values), name).toContain(name);
    }
  });

  it('the sample is a valid local configuration', () => {
    expect(() => parseAppSettings(sample)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------
// Roles

/** Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const builtInRoles: Record<string, string> = {
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975',
  eventHubsDataOwner: 'f526a384-b230-433a-b45c-95f59c4a2dec',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  communicationAndEmailServiceOwner: '09976791-48a7-449e-bb21-39d1a415f350',
};

const blobWriters = ['storageBlobDataOwner', 'storageBlobDataContributor'];
const blobReaders = [...blobWriters, 'storageBlobDataReader'];
const tableReaders = ['storageTableDataContributor', 'storageTableDataReader'];

interface OperationRule {
  readonly what: string;
  /** The package a file must import (even type-only) for the rule to apply; none: any file. */
  readonly pkg?: string;
  readonly pattern: RegExp;
  readonly scope: string;
  /** Any one of these roles on the scope covers the operation. */
  readonly anyOf: readonly string[];
  /** Also needed by the simulator's principal when a command-line path performs it. */
  readonly simulator?: boolean;
}

/** Azure operations the code can perform, and the roles that allow them. */
const operationRules: readonly OperationRule[] = [
  {
    what: 'Event Hubs trigger',
    pattern: /app\.eventHub\(|'eventHubTrigger'/,
    scope: 'eventHub',
    anyOf: ['eventHubsDataReceiver', 'eventHubsDataOwner'],
  },
  {
    what: 'Event Hubs trigger checkpoints and partition leases (AzureWebJobsStorage)',
    pattern: /app\.eventHub\(|'eventHubTrigger'/,
    scope: 'storage',
    anyOf: ['storageBlobDataOwner'],
  },
  {
    what: 'timer trigger singleton locks (AzureWebJobsStorage)',
    pattern: /app\.timer\(/,
    scope: 'storage',
    anyOf: blobWriters,
  },
  {
    what: 'Durable Functions task hub (blobs)',
    pattern: /durable-functions/,
    scope: 'storage',
    anyOf: blobWriters,
  },
  {
    what: 'Durable Functions task hub (queues)',
    pattern: /durable-functions/,
    scope: 'storage',
    anyOf: ['storageQueueDataContributor'],
  },
  {
    what: 'Durable Functions task hub (tables)',
    pattern: /durable-functions/,
    scope: 'storage',
    anyOf: ['storageTableDataContributor'],
  },
  {
    what: 'Table writes (createTable, transactions, upserts, deletes)',
    pkg: '@azure/data-tables',
    pattern:
      /\.(createTable|submitTransaction|upsertEntity|updateEntity|createEntity|deleteEntity|deleteTable)\(/,
    scope: 'storage',
    anyOf: ['storageTableDataContributor'],
  },
  {
    what: 'Table reads (queries, point reads)',
    pkg: '@azure/data-tables',
    pattern: /\.(listEntities|getEntity|listTables)\(/,
    scope: 'storage',
    anyOf: tableReaders,
  },
  {
    what: 'Blob writes and container creation',
    pkg: '@azure/storage-blob',
    pattern:
      /\.(createIfNotExists|create|upload|uploadData|uploadStream|uploadFile|stageBlock|commitBlockList|appendBlock|delete|deleteIfExists|setMetadata|setHTTPHeaders|setAccessTier|beginCopyFromURL|syncCopyFromURL)\(/,
    scope: 'storage',
    anyOf: blobWriters,
  },
  {
    what: 'Blob reads',
    pkg: '@azure/storage-blob',
    pattern:
      /\.(download|downloadToBuffer|downloadToFile|listBlobsFlat|listBlobsByHierarchy|exists|getProperties|listContainers)\(/,
    scope: 'storage',
    anyOf: blobReaders,
  },
  {
    what: 'Queue messages',
    pkg: '@azure/storage-queue',
    pattern: /\.(sendMessage|receiveMessages|deleteMessage|peekMessages|createIfNotExists|create)\(/,
    scope: 'storage',
    anyOf: ['storageQueueDataContributor'],
  },
  {
    what: 'Event Hubs send',
    pkg: '@azure/event-hubs',
    pattern: /EventHubProducerClient|EventHubBufferedProducerClient|\.sendBatch\(/,
    scope: 'eventHub',
    anyOf: ['eventHubsDataSender', 'eventHubsDataOwner'],
    simulator: true,
  },
  {
    what: 'Event Hubs receive',
    pkg: '@azure/event-hubs',
    pattern: /EventHubConsumerClient/,
    scope: 'eventHub',
    anyOf: ['eventHubsDataReceiver', 'eventHubsDataOwner'],
  },
  {
    what: 'Email through Communication Services',
    pkg: '@azure/communication-email',
    pattern: /EmailClient|\.beginSend\(/,
    scope: 'communicationService',
    anyOf: ['communicationAndEmailServiceOwner'],
  },
  {
    what: 'Key Vault secrets',
    pkg: '@azure/keyvault-secrets',
    pattern: /SecretClient|\.getSecret\(/,
    scope: 'keyVault',
    anyOf: ['keyVaultSecretsUser'],
  },
  {
    what: 'Azure Monitor OpenTelemetry with Entra auth',
    pkg: '@azure/monitor-opentelemetry',
    pattern: /useAzureMonitor|AzureMonitor/,
    scope: 'applicationInsights',
    anyOf: ['monitoringMetricsPublisher'],
  },
];

/** Packages the code may import; any other @azure/* package needs a rule above (and maybe a role). */
const knownPackages = new Set([
  '@azure/functions',
  '@azure/identity',
  '@azure/core-auth',
  '@azure/core-rest-pipeline',
  '@azure/abort-controller',
  '@azure/logger',
  'durable-functions',
  'twilio',
  ...operationRules.flatMap((r) => (r.pkg ? [r.pkg] : [])),
]);

interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly packages: ReadonlySet<string>;
  readonly relativeImports: readonly string[];
}

function loadSources(): Map<string, SourceFile> {
  const files = new Map<string, SourceFile>();
  for (const file of listFiles(path.join(repoRoot, 'src'), '.ts')) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(
        /\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm,
      ),
    ].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
    const packages = new Set<string>();
    const relativeImports: string[] = [];
    for (const s of specifiers) {
      if (s.startsWith('.')) {
        const base = path.resolve(path.dirname(file), s);
        const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
          (c) => existsSync(c) && c.endsWith('.ts'),
        );
        if (target) relativeImports.push(target);
      } else if (!s.startsWith('node:')) {
        packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s));
      }
    }
    files.set(file, { file, text, packages, relativeImports });
  }
  return files;
}

function reachableFrom(files: ReadonlyMap<string, SourceFile>, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f) || !files.has(f)) continue;
    seen.add(f);
    stack.push(...(files.get(f)?.relativeImports ?? []));
  }
  return seen;
}

describe('roles: every Azure operation the code performs is covered', () => {
  const matrix = roleMatrix();
  const sources = loadSources();
  const appFiles = reachableFrom(sources, listFiles(path.join(repoRoot, 'src', 'functions'), '.ts'));
  const cliFiles = reachableFrom(sources, [path.join(repoRoot, 'src', 'lib', 'cli', 'main.ts')]);

  it('roles.json names built-in roles by their real ids', () => {
    for (const [name, id] of Object.entries(matrix.roleIds)) {
      expect(builtInRoles[name], `unknown role ${name}: add it with its id to builtInRoles`).toBe(id);
    }
    for (const { principal, scope, roles } of matrixEntries(matrix)) {
      for (const role of roles) expect(matrix.roleIds, `${principal}.${scope}: ${role}`).toHaveProperty(role);
    }
  });

  it('the code imports no Azure SDK this test does not know', () => {
    const unknown = [...sources.values()].flatMap((s) =>
      [...s.packages]
        .filter((p) => (p.startsWith('@azure/') || p === 'durable-functions') && !knownPackages.has(p))
        .map((p) => `${path.relative(repoRoot, s.file)}: ${p}`),
    );
    expect(unknown, 'add an operation rule (and the role it needs to infra/bicep/roles.json)').toEqual([]);
  });

  const found: { rule: OperationRule; file: string; app: boolean; cli: boolean }[] = [];
  for (const s of sources.values()) {
    for (const rule of operationRules) {
      if (rule.pkg && !s.packages.has(rule.pkg)) continue;
      if (!rule.pattern.test(s.text)) continue;
      found.push({ rule, file: s.file, app: appFiles.has(s.file), cli: cliFiles.has(s.file) });
    }
  }

  it('finds the operations of the current code (the scanner still works)', () => {
    const whats = new Set(found.map((f) => f.rule.what));
    expect(whats).toContain('Event Hubs trigger');
    expect(whats).toContain('Table writes (createTable, transactions, upserts, deletes)');
    expect(whats).toContain('Blob writes and container creation');
  });

  it.each(found.map((f) => [f.rule.what, path.relative(repoRoot, f.file), f] as const))(
    '%s in %s',
    (_what, _file, { rule, app, cli }) => {
      const principals = [
        ...(app ? ['app'] : []),
        ...(cli ? ['developer'] : []),
        ...(cli && rule.simulator ? ['simulator'] : []),
      ];
      for (const principal of principals) {
        const granted = rolesOf(matrix, principal, rule.scope);
        expect(
          granted.some((r) => rule.anyOf.includes(r)),
          `${principal} needs one of ${rule.anyOf.join(', ')} on ${rule.scope} for: ${rule.what}`,
        ).toBe(true);
      }
    },
  );

  it('what the platform does with the app identity is covered too', () => {
    // Key Vault references are resolved with keyVaultReferenceIdentity = the app's identity.
    if ([...bicepSettings.values()].some((v) => v.includes('keyVaultReference('))) {
      expect(rolesOf(matrix, 'app', 'keyVault')).toContain('keyVaultSecretsUser');
    }
    // Application Insights with local auth disabled accepts Entra-authenticated telemetry only.
    if (bicepSettings.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')) {
      expect(rolesOf(matrix, 'app', 'applicationInsights')).toContain('monitoringMetricsPublisher');
    }
    // Flex Consumption pulls the package from the deployment container with the app identity.
    expect(rolesOf(matrix, 'app', 'storage').some((r) => blobReaders.includes(r))).toBe(true);
    // The alerting issue sends email with the identity (ACS_ENDPOINT); no narrower built-in role exists.
    if (bicepSettings.has('ACS_ENDPOINT')) {
      expect(rolesOf(matrix, 'app', 'communicationService')).toContain('communicationAndEmailServiceOwner');
    }
  });

  it('modules/roleAssignments.bicep applies every entry of roles.json, to service principals', () => {
    const source = readRepoFile('infra/bicep/modules/roleAssignments.bicep');
    expect(source).toContain("loadJsonContent('../roles.json')");
    const blocks = source.split(/^resource /m).slice(1);
    for (const { principal, scope } of matrixEntries(matrix)) {
      const block = blocks.find((b) => b.includes(`matrix.${principal}.${scope}`));
      expect(block, `no role assignment loop over matrix.${principal}.${scope}`).toBeDefined();
      if (principal !== 'developer') expect(block).toMatch(/principalType: 'ServicePrincipal'/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// azd

describe('azd: azure.yaml, main.parameters.json, hook', () => {
  const azureYaml = readRepoFile('azure.yaml');

  it('provisions infra/bicep/main.bicep and deploys the tagged Function App', () => {
    expect(azureYaml).toMatch(/^\s+path: infra\/bicep\s*$/m);
    expect(azureYaml).toMatch(/^\s+module: main\s*$/m);
    const service = /^services:\s*\n(?:\s*#.*\n)*\s+([\w-]+):/m.exec(azureYaml)?.[1];
    expect(service).toBeDefined();
    expect(mainSource).toContain(`azdServiceName: '${service}'`);
    expect(azureYaml).toMatch(/host: function/);
    for (const m of azureYaml.matchAll(/run: node (\S+)/g))
      expect(existsSync(path.join(repoRoot, m[1] ?? ''))).toBe(true);
    expect(azureYaml).toMatch(/postprovision:/);
  });

  it('main.parameters.json only sets parameters main.bicep declares', () => {
    const file = JSON.parse(readRepoFile('infra/bicep/main.parameters.json')) as {
      parameters: Record<string, unknown>;
    };
    for (const name of Object.keys(file.parameters)) expect(params.has(name), name).toBe(true);
    for (const name of ['environmentName', 'location', 'principalId'])
      expect(file.parameters).toHaveProperty(name);
  });

  it('every main.bicep parameter and module parameter has a description', () => {
    for (const file of [
      mainBicepPath,
      ...listFiles(path.join(repoRoot, 'infra', 'bicep', 'modules'), '.bicep'),
    ]) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!line.startsWith('param ')) return;
        const decorators: string[] = [];
        for (let j = i - 1; j >= 0 && /^(@|\s|\]|'|\d|\}|\))/.test(lines[j] ?? ''); j--)
          decorators.push(lines[j] ?? '');
        expect(decorators.join('\n'), `${path.relative(repoRoot, file)}: ${line}`).toMatch(/@description\(/);
      });
    }
  });

  it('the Flex always-ready group names the Event Hubs function the code registers', () => {
    const fn = /var ingestFunctionName = '([^']+)'/.exec(mainSource)?.[1];
    expect(fn).toBeDefined();
    const registered = listFiles(path.join(repoRoot, 'src', 'functions'), '.ts').some((f) => {
      const text = readFileSync(f, 'utf8');
      return text.includes('app.eventHub(') && text.includes(`'${fn}'`);
    });
    expect(registered, `no app.eventHub registration named ${fn}`).toBe(true);
  });
});
