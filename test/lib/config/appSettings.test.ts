import { describe, expect, it } from 'vitest';
import { AppSettingsError, parseAppSettings } from '../../../src/lib/config/appSettings';

const valid = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  EventHubConnection:
    'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;',
  EVENTHUB_NAME: 'clickstream',
  EVENTHUB_CONSUMER_GROUP: 'clickpulse',
  EVENTHUB_PARTITION_COUNT: '4',
  CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
};

function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseAppSettings(env);
  } catch (error) {
    if (error instanceof AppSettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseAppSettings', () => {
  it('reads a valid local configuration with defaults', () => {
    const s = parseAppSettings(valid);
    expect(s.eventHub).toEqual({
      name: 'clickstream',
      consumerGroup: 'clickpulse',
      partitionIds: ['0', '1', '2', '3'],
    });
    expect(s.storage).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
      settingName: 'AzureWebJobsStorage',
    });
    expect(s.stateTableName).toBe('clickpulsestate');
    expect(s.idleThresholdInMs).toBe(5000);
    expect(s.jobFile).toBeUndefined();
  });

  it('reads identity-based connections (managed identity, no secrets)', () => {
    const s = parseAppSettings({
      ...valid,
      AzureWebJobsStorage: undefined,
      EventHubConnection: undefined,
      EventHubConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net',
      CLICKPULSE_STORAGE__accountName: 'acct',
      CLICKPULSE_STORAGE__clientId: '00000000-0000-0000-0000-000000000001',
    });
    expect(s.storage).toEqual({
      kind: 'identity',
      tableServiceUri: 'https://acct.table.core.windows.net',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      clientId: '00000000-0000-0000-0000-000000000001',
      settingName: 'CLICKPULSE_STORAGE',
    });
  });

  it('names every problem at once', () => {
    const found = problems({
      CLICKPULSE_STATE_TABLE: '1bad',
      CLICKPULSE_ARCHIVE_CONTAINER: 'Bad_Name',
      EVENTHUB_PARTITION_COUNT: 'many',
      CLICKPULSE_IDLE_THRESHOLD_MS: '-1',
      SOME_SECRET: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)',
    });
    expect(found).toEqual([
      "SOME_SECRET: expected the secret's value, received an unresolved Key Vault reference",
      'EventHubConnection: expected a connection string, or EventHubConnection__fullyQualifiedNamespace for a managed identity, received none',
      'EVENTHUB_NAME: expected an event hub name, received null',
      "EVENTHUB_CONSUMER_GROUP: expected a consumer group name ($Default or the app's own), received none",
      'EVENTHUB_PARTITION_COUNT: expected an integer in 1..1024, received "many"',
      'AzureWebJobsStorage: expected a connection string, or AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__blobServiceUri (or AzureWebJobsStorage__accountName) for a managed identity, received none',
      'CLICKPULSE_STATE_TABLE: expected a table name (letter, then 2..62 letters or digits), received "1bad"',
      'CLICKPULSE_ARCHIVE_CONTAINER: expected a container name (3..63 lower-case letters, digits, single hyphens), received "Bad_Name"',
      'CLICKPULSE_IDLE_THRESHOLD_MS: expected an integer in 0..3600000, received "-1"',
      'CLOSE_WINDOWS_SCHEDULE: expected an NCRONTAB expression of six fields (e.g. "*/5 * * * * *"), received null',
    ]);
  });

  it('throws one error whose message lists the problems', () => {
    expect(() => parseAppSettings({})).toThrow(/Invalid app settings:\n {2}- /);
  });
});
