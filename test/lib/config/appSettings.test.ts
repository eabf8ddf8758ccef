import { describe, expect, it } from 'vitest';
import { AppSettingsError, parseAppSettings } from '../../../src/lib/config/appSettings';
import { DEFAULT_RULE_CONFIG } from '../../../src/lib/anomaly/ruleConfig';

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

  it('alerting and Power BI are optional: without their settings, the outbox and no Power BI', () => {
    const s = parseAppSettings(valid);
    expect(s.alerts).toEqual({
      tableName: 'clickpulsealerts',
      outboxContainer: 'clickpulse-outbox',
      email: undefined,
      sms: undefined,
      emailRecipients: [],
      onCallNumbers: [],
      policy: {
        cooldownInMs: 900_000,
        rateCapPerMinute: 10,
        quietHours: undefined,
        escalationTimeoutInMs: 900_000,
      },
      ackBaseUrl: undefined,
      ackFunctionKey: undefined,
    });
    expect(s.powerBi).toBeUndefined();
    expect(
      parseAppSettings({
        ...valid,
        POWERBI_ENABLED: 'false',
        POWERBI_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555',
      }).powerBi,
    ).toBeUndefined();
  });

  it('reads ACS (connection string or managed identity), Twilio, the policy and Power BI', () => {
    const s = parseAppSettings({
      ...valid,
      ACS_ENDPOINT: 'https://acs-x.communication.azure.com',
      ACS_CLIENT_ID: '00000000-0000-0000-0000-000000000002',
      ACS_SENDER_ADDRESS: 'DoNotReply@x.azurecomm.net',
      ALERT_EMAIL_RECIPIENTS: 'ops@example.com, sre@example.com',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM_NUMBER: '+15550001111',
      TWILIO_ONCALL_NUMBERS: '+15550100001,+15550100002',
      ALERT_COOLDOWN_SECONDS: '60',
      ALERT_RATE_CAP_PER_MINUTE: '5',
      ALERT_QUIET_HOURS: '22:00-07:00',
      ALERT_QUIET_HOURS_TIME_ZONE: 'Europe/Berlin',
      ALERT_ESCALATION_TIMEOUT_SECONDS: '300',
      ALERT_ACK_BASE_URL: 'https://clickpulse.azurewebsites.net/',
      POWERBI_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555',
    });
    expect(s.alerts.email).toEqual({
      connection: {
        kind: 'identity',
        endpoint: 'https://acs-x.communication.azure.com',
        clientId: '00000000-0000-0000-0000-000000000002',
      },
      senderAddress: 'DoNotReply@x.azurecomm.net',
    });
    expect(s.alerts.emailRecipients).toEqual(['ops@example.com', 'sre@example.com']);
    expect(s.alerts.sms).toEqual({
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'token',
      from: '+15550001111',
      apiBaseUrl: undefined,
    });
    expect(s.alerts.onCallNumbers).toEqual(['+15550100001', '+15550100002']);
    expect(s.alerts.policy).toEqual({
      cooldownInMs: 60_000,
      rateCapPerMinute: 5,
      quietHours: { startMinute: 1320, endMinute: 420, timeZone: 'Europe/Berlin' },
      escalationTimeoutInMs: 300_000,
    });
    expect(s.alerts.ackBaseUrl).toBe('https://clickpulse.azurewebsites.net');
    expect(s.powerBi).toEqual({
      workspaceId: '11111111-2222-3333-4444-555555555555',
      dataset: 'ClickPulse',
      output: undefined,
      table: undefined,
      apiBaseUrl: 'https://api.powerbi.com',
      clientId: undefined,
    });
    expect(
      parseAppSettings({
        ...valid,
        ACS_CONNECTION_STRING: 'endpoint=https://x/;accesskey=a2V5',
        ACS_SENDER_ADDRESS: 'a@b.c',
        ALERT_EMAIL_RECIPIENTS: 'o@p.q',
      }).alerts.email?.connection,
    ).toEqual({
      kind: 'connectionString',
      connectionString: 'endpoint=https://x/;accesskey=a2V5',
    });
  });

  it('names every problem of a partial alerting or Power BI configuration', () => {
    expect(
      problems({
        ...valid,
        ACS_SENDER_ADDRESS: 'not an address',
        TWILIO_ACCOUNT_SID: 'SK123',
        TWILIO_ONCALL_NUMBERS: '5550100',
        ALERT_RATE_CAP_PER_MINUTE: '0',
        ALERT_QUIET_HOURS: '7-9',
        POWERBI_ENABLED: 'true',
      }),
    ).toEqual([
      'TWILIO_ONCALL_NUMBERS: expected comma-separated E.164 numbers (+15550100...), received "5550100"',
      'ACS_CONNECTION_STRING: expected a connection string, or ACS_ENDPOINT for a managed identity, received none',
      'ACS_SENDER_ADDRESS: expected the sender address (DoNotReply@<domain>), received "not an address"',
      'ALERT_EMAIL_RECIPIENTS: expected at least one address when ACS email is configured, received none',
      'TWILIO_ACCOUNT_SID: expected AC followed by 32 hex digits, received "SK123"',
      'TWILIO_AUTH_TOKEN: expected the auth token, received none',
      'TWILIO_FROM_NUMBER: expected an E.164 number or a Messaging Service SID (MG...), received null',
      'ALERT_QUIET_HOURS: quiet hours: expected \'HH:mm-HH:mm\' with different start and end, received "7-9"',
      'ALERT_RATE_CAP_PER_MINUTE: expected an integer in 1..10000, received "0"',
      'POWERBI_WORKSPACE_ID: expected the workspace GUID, received null',
    ]);
  });

  it('reads the anomaly and entity tables and the rule overrides, with defaults', () => {
    const defaults = parseAppSettings(valid);
    expect(defaults.anomalyTableName).toBe('clickpulseanomalies');
    expect(defaults.entityTableName).toBe('clickpulseentities');
    expect(defaults.anomalyRules).toBe(DEFAULT_RULE_CONFIG);
    const s = parseAppSettings({
      ...valid,
      CLICKPULSE_ANOMALY_TABLE: 'myanomalies',
      CLICKPULSE_ENTITY_TABLE: 'myentities',
      CLICKPULSE_ANOMALY_RULES: '{"user":{"velocity":{"failures":3}},"keyed":{"cooldownSeconds":60}}',
    });
    expect([s.anomalyTableName, s.entityTableName]).toEqual(['myanomalies', 'myentities']);
    expect(s.anomalyRules.user.velocity.failures).toBe(3);
    expect(s.anomalyRules.keyed.cooldownSeconds).toBe(60);
    expect(s.anomalyRules.user.botClickRate).toEqual(DEFAULT_RULE_CONFIG.user.botClickRate);
  });

  it('names every problem of the anomaly settings', () => {
    expect(
      problems({
        ...valid,
        CLICKPULSE_ANOMALY_TABLE: 'no-dashes',
        CLICKPULSE_ANOMALY_RULES: '{"user":{"botClickRate":{"eventsPerMinute":-1}}}',
      }),
    ).toEqual([
      'CLICKPULSE_ANOMALY_TABLE: expected a table name (letter, then 2..62 letters or digits), received "no-dashes"',
      'CLICKPULSE_ANOMALY_RULES.user.botClickRate.eventsPerMinute: expected an integer in 1..1000000, received -1',
    ]);
    expect(problems({ ...valid, CLICKPULSE_ANOMALY_RULES: '{oops' })).toEqual([
      'CLICKPULSE_ANOMALY_RULES: expected a JSON object, received "{oops"',
    ]);
  });

  it('throws one error whose message lists the problems', () => {
    expect(() => parseAppSettings({})).toThrow(/Invalid app settings:\n {2}- /);
  });

  it('reads the archive layout and names bad archive settings', () => {
    expect(parseAppSettings(valid).archive).toEqual({ pathPattern: undefined, gzip: false, rawEvents: true });
    expect(
      parseAppSettings({
        ...valid,
        CLICKPULSE_ARCHIVE_PATH_PATTERN: '{date}/{datetime:HH}',
        CLICKPULSE_ARCHIVE_GZIP: 'TRUE',
        CLICKPULSE_ARCHIVE_RAW_EVENTS: 'false',
      }).archive,
    ).toEqual({ pathPattern: '{date}/{datetime:HH}', gzip: true, rawEvents: false });
    const found = problems({
      ...valid,
      CLICKPULSE_ARCHIVE_GZIP: 'yes',
      CLICKPULSE_ARCHIVE_PATH_PATTERN: '{datetime:QQ}',
    });
    expect(found).toEqual([
      expect.stringMatching(/^CLICKPULSE_ARCHIVE_PATH_PATTERN: /),
      'CLICKPULSE_ARCHIVE_GZIP: expected true or false, received "yes"',
    ]);
  });
});
