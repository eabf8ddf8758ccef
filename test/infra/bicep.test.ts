/**
 * Compiles and lints every Bicep file with the Bicep CLI (zero errors, zero warnings), then checks the
 * compiled ARM template: app settings, Flex Consumption configuration, hardening of each resource,
 * diagnostic settings and role assignments.
 *
 * The CLI comes from scripts/install-bicep.sh (.ci/run calls it). Without it these checks are skipped
 * with a message on a developer machine, and fail in CI (CI is set).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bicepAppSettings,
  findBicepCli,
  mainBicepPath,
  matrixEntries,
  pinnedBicepVersion,
  repoRoot,
  roleMatrix,
} from './infraSupport';

const cli = findBicepCli();
const inCi = Boolean(process.env['CI']);

if (!cli && !inCi) {
  console.warn(
    'test/infra/bicep.test.ts: SKIPPED, no Bicep CLI found (run `bash scripts/install-bicep.sh`, put `bicep` on ' +
      'the PATH, or set BICEP_CLI). CI does not skip these checks.',
  );
}

interface ArmResource {
  readonly type: string;
  readonly name?: string;
  readonly apiVersion?: string;
  readonly scope?: string;
  readonly condition?: unknown;
  readonly copy?: { readonly name: string; readonly count: string };
  readonly properties?: Record<string, unknown>;
  readonly identity?: Record<string, unknown>;
  readonly kind?: string;
  readonly sku?: Record<string, unknown>;
}

interface ArmTemplate {
  readonly parameters?: Record<string, { readonly type?: string; readonly defaultValue?: unknown }>;
  readonly variables?: Record<string, unknown>;
  readonly resources: ArmResource[] | Record<string, ArmResource>;
  readonly outputs?: Record<string, { readonly type: string; readonly value?: unknown }>;
}

interface ArmDeployment extends ArmResource {
  readonly properties: {
    readonly template: ArmTemplate;
    readonly parameters: Record<string, { readonly value?: unknown }>;
  };
}

function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

function deployment(template: ArmTemplate, name: string): ArmDeployment {
  const found = resourcesOf(template).find(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name === name,
  );
  if (!found) throw new Error(`module deployment ${name} not found in the compiled template`);
  return found as ArmDeployment;
}

function resourceOfType(template: ArmTemplate, type: string): ArmResource {
  const found = resourcesOf(template).find((r) => r.type === type);
  if (!found) throw new Error(`${type} not found`);
  return found;
}

function get(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Diagnostics of a CLI run: lines like `file(l,c) : Warning rule: text`. */
function diagnostics(output: string): string[] {
  return output.split('\n').filter((line) => /\)\s*:\s*(Error|Warning|Info)\b/.test(line));
}

describe.skipIf(!cli && !inCi)('Bicep CLI: compile and lint infra/bicep', () => {
  let compiled: ArmTemplate;

  beforeAll(() => {
    if (!cli) return;
    const build = spawnSync(cli, ['build', mainBicepPath, '--stdout'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    if (build.status !== 0) throw new Error(`bicep build failed:\n${build.stderr}`);
    compiled = JSON.parse(build.stdout) as ArmTemplate;
  }, 200_000);

  it('has the Bicep CLI (CI runs scripts/install-bicep.sh before npm test)', () => {
    expect(
      cli,
      'no Bicep CLI: run `bash scripts/install-bicep.sh` (CI must not skip these checks)',
    ).toBeDefined();
    const version = execFileSync(cli!, ['--version'], { encoding: 'utf8' });
    if (inCi) expect(version).toContain(`Bicep CLI version ${pinnedBicepVersion()} `);
  });

  it('compiles main.bicep with no errors or warnings', () => {
    const build = spawnSync(cli!, ['build', mainBicepPath, '--stdout'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    expect(build.status, build.stderr).toBe(0);
    expect(diagnostics(`${build.stdout}\n${build.stderr}`)).toEqual([]);
  }, 200_000);

  it('lints every Bicep file with zero warnings', () => {
    const lint = spawnSync(cli!, ['lint', '--pattern', 'infra/bicep/**/*.bicep'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    expect(lint.status, lint.stderr).toBe(0);
    expect(diagnostics(`${lint.stdout}\n${lint.stderr}`)).toEqual([]);
  }, 200_000);

  it('the compiled app settings are exactly those of var appSettings in main.bicep', () => {
    const settings = get(
      deployment(compiled, 'functionApp').properties.parameters,
      'appSettings',
      'value',
    ) as Record<string, string>;
    const source = bicepAppSettings(readFileSync(mainBicepPath, 'utf8'));
    expect(Object.keys(settings).sort()).toEqual([...source.keys()].sort());
    expect(settings['AzureWebJobsStorage__credential']).toBe('managedidentity');
    expect(settings['EventHubConnection__credential']).toBe('managedidentity');
    for (const [name, value] of Object.entries(settings)) {
      expect(value, name).not.toMatch(/listKeys|AccountKey=|SharedAccessKey=/);
    }
  });

  it('configures the Function App for Flex Consumption, Node.js 24 and the user-assigned identity', () => {
    const module = deployment(compiled, 'functionApp');
    expect(module.properties.parameters['nodeVersion']?.value).toBe('24');
    const template = module.properties.template;
    const plan = resourceOfType(template, 'Microsoft.Web/serverfarms');
    expect(plan.sku).toMatchObject({ tier: 'FlexConsumption', name: 'FC1' });
    const site = resourceOfType(template, 'Microsoft.Web/sites');
    expect(site.kind).toBe('functionapp,linux');
    expect(get(site, 'identity', 'type')).toBe('UserAssigned');
    expect(get(site, 'properties', 'httpsOnly')).toBe(true);
    expect(get(site, 'properties', 'keyVaultReferenceIdentity')).toBe("[parameters('identityId')]");
    const config = get(site, 'properties', 'functionAppConfig');
    expect(get(config, 'runtime')).toEqual({ name: 'node', version: "[parameters('nodeVersion')]" });
    expect(get(config, 'deployment', 'storage', 'type')).toBe('blobContainer');
    expect(get(config, 'deployment', 'storage', 'authentication', 'type')).toBe('UserAssignedIdentity');
    expect(get(config, 'scaleAndConcurrency')).toEqual({
      instanceMemoryMB: "[parameters('instanceMemoryMB')]",
      maximumInstanceCount: "[parameters('maximumInstanceCount')]",
      alwaysReady: "[parameters('alwaysReady')]",
    });
    expect(get(site, 'properties', 'siteConfig', 'minTlsVersion')).toBe('1.2');
  });

  it('hardens Storage, Event Hubs, Key Vault, Application Insights and Communication Services', () => {
    const account = resourceOfType(
      deployment(compiled, 'storage').properties.template,
      'Microsoft.Storage/storageAccounts',
    );
    expect(account.properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
    });
    const namespace = resourceOfType(
      deployment(compiled, 'eventHubs').properties.template,
      'Microsoft.EventHub/namespaces',
    );
    expect(namespace.sku).toMatchObject({ name: 'Standard', tier: 'Standard' });
    expect(namespace.properties).toMatchObject({
      minimumTlsVersion: '1.2',
      disableLocalAuth: "[parameters('disableLocalAuth')]",
    });
    expect(compiled.parameters?.['eventHubsDisableLocalAuth']?.defaultValue).toBe(true);
    const vault = resourceOfType(
      deployment(compiled, 'keyVault').properties.template,
      'Microsoft.KeyVault/vaults',
    );
    expect(vault.properties).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true });
    const monitoring = deployment(compiled, 'monitoring').properties.template;
    expect(resourceOfType(monitoring, 'Microsoft.Insights/components').properties).toMatchObject({
      DisableLocalAuth: true,
    });
    const communication = deployment(compiled, 'communication').properties.template;
    expect(
      resourceOfType(communication, 'Microsoft.Communication/emailServices/domains').properties,
    ).toMatchObject({
      domainManagement: 'AzureManaged',
    });
    expect(resourceOfType(communication, 'Microsoft.Communication/communicationServices')).toBeDefined();
  });

  it('sends diagnostics of the Function App, Event Hubs and Storage to Log Analytics', () => {
    for (const module of ['functionApp', 'eventHubs', 'storage', 'keyVault']) {
      const settings = resourcesOf(deployment(compiled, module).properties.template).filter(
        (r) => r.type === 'Microsoft.Insights/diagnosticSettings',
      );
      expect(settings.length, module).toBeGreaterThan(0);
      for (const s of settings) expect(get(s, 'properties', 'workspaceId'), module).toBeTruthy();
    }
  });

  it('keeps secrets secure: secure parameters, no secret in any output', () => {
    for (const name of ['twilioAuthToken', 'twilioOnCallNumbers']) {
      expect(compiled.parameters?.[name]?.type, name).toBe('securestring');
    }
    const templates = [
      compiled,
      ...resourcesOf(compiled)
        .filter((r) => r.type === 'Microsoft.Resources/deployments')
        .map((r) => (r as ArmDeployment).properties.template),
    ];
    for (const template of templates) {
      const secure = Object.entries(template.parameters ?? {})
        .filter(([, p]) => (p.type ?? '').toLowerCase().startsWith('secure'))
        .map(([n]) => n);
      for (const [name, output] of Object.entries(template.outputs ?? {})) {
        const text = JSON.stringify(output);
        for (const p of secure) expect(text, `output ${name} uses ${p}`).not.toContain(`parameters('${p}')`);
        expect(text, name).not.toMatch(/listKeys|listSecrets|listConnectionStrings/);
      }
    }
  });

  it('assigns exactly the roles of roles.json, to service principals, each on its one resource', () => {
    const matrix = roleMatrix();
    const module = deployment(compiled, 'roleAssignments');
    const template = module.properties.template;
    const assignments = resourcesOf(template).filter(
      (r) => r.type === 'Microsoft.Authorization/roleAssignments',
    );
    const scopeTypes: Record<string, string> = {
      eventHub: 'Microsoft.EventHub/namespaces/eventhubs',
      storage: 'Microsoft.Storage/storageAccounts',
      keyVault: 'Microsoft.KeyVault/vaults',
      applicationInsights: 'Microsoft.Insights/components',
      communicationService: 'Microsoft.Communication/communicationServices',
    };
    // The compiled template embeds roles.json itself.
    expect(JSON.stringify(template.variables)).toContain(JSON.stringify(matrix.roleIds).slice(1, -1));
    const covered = new Set<string>();
    for (const a of assignments) {
      const roleDefinitionId = String(get(a, 'properties', 'roleDefinitionId'));
      const m = /variables\('matrix'\)\.(\w+)\.(\w+)/.exec(roleDefinitionId);
      expect(m, roleDefinitionId).not.toBeNull();
      const [, principal = '', scope = ''] = m ?? [];
      covered.add(`${principal}.${scope}`);
      expect(a.copy?.count, `${principal}.${scope}`).toContain(`variables('matrix').${principal}.${scope}`);
      expect(a.scope, `${principal}.${scope}`).toContain(`resourceId('${scopeTypes[scope] ?? '?'}'`);
      expect(roleDefinitionId).toContain("subscriptionResourceId('Microsoft.Authorization/roleDefinitions'");
      const principalType = get(a, 'properties', 'principalType');
      if (principal === 'developer') expect(principalType).toBe("[parameters('developerPrincipalType')]");
      else expect(principalType, `${principal}.${scope}`).toBe('ServicePrincipal');
      if (principal === 'app') {
        expect(String(get(a, 'properties', 'principalId'))).toContain(
          'Microsoft.ManagedIdentity/userAssignedIdentities',
        );
      }
    }
    const expected = matrixEntries(matrix).map((e) => `${e.principal}.${e.scope}`);
    expect([...covered].sort()).toEqual([...expected].sort());
    // The app starts only once its roles exist (Key Vault references resolve at start).
    const functionApp: (ArmResource & { dependsOn?: string[] }) | undefined = resourcesOf(compiled).find(
      (r) => r.name === 'functionApp',
    );
    expect(functionApp?.dependsOn ?? []).toContain('roleAssignments');
  });

  it('outputs the app URL and the resource names', () => {
    const outputs = Object.keys(compiled.outputs ?? {});
    for (const name of [
      'AZURE_FUNCTION_APP_URL',
      'AZURE_FUNCTION_APP_NAME',
      'AZURE_RESOURCE_GROUP',
      'AZURE_STORAGE_ACCOUNT_NAME',
      'EVENTHUB_NAMESPACE_NAME',
      'AZURE_KEY_VAULT_NAME',
      'APPLICATIONINSIGHTS_NAME',
      'AZURE_COMMUNICATION_SERVICE_NAME',
    ]) {
      expect(outputs).toContain(name);
    }
  });

  it('compiles with private networking wired to VNet integration', () => {
    const network = deployment(compiled, 'network');
    expect(String(network.condition)).toContain('enablePrivateNetworking');
    const endpoints = resourcesOf(network.properties.template).filter(
      (r) => r.type === 'Microsoft.Network/privateEndpoints',
    );
    expect(endpoints.length).toBeGreaterThan(0);
    const subnetId = deployment(compiled, 'functionApp').properties.parameters['subnetId'];
    expect(JSON.stringify(subnetId)).toContain("reference('network').outputs.appSubnetId");
  });
});
