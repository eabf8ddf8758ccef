import { compilePathPattern } from '../outputs/pathPattern';
import { DEFAULT_RULE_CONFIG, parseRuleConfig, type RuleConfig } from '../anomaly/ruleConfig';
import { parseAlertSettings, type AlertSettings } from '../alerts/alertSettings';
import { parsePowerBiSettings, type PowerBiSettings } from '../outputs/powerBiSettings';

/**
 * Every app setting ClickPulse reads, parsed and validated in one place. {@link parseAppSettings} is
 * pure (it takes the environment as an argument); {@link loadAppSettings} reads process.env once, at
 * first use, never at import time.
 */
export interface AppSettings {
  readonly eventHub: {
    /** EVENTHUB_NAME (also resolved by the host as %EVENTHUB_NAME%). */
    readonly name: string;
    /** EVENTHUB_CONSUMER_GROUP: give each app its own; partitions are split between readers of one group. */
    readonly consumerGroup: string;
    /** EVENTHUB_PARTITION_COUNT as ids '0'..'N-1': a window closes only when all have passed its end. */
    readonly partitionIds: readonly string[];
  };
  readonly storage: StorageSetting;
  /** CLICKPULSE_STATE_TABLE (default clickpulsestate). */
  readonly stateTableName: string;
  /** CLICKPULSE_ARCHIVE_CONTAINER (default clickpulse-archive). */
  readonly archiveContainer: string;
  /** CLICKPULSE_DEADLETTER_CONTAINER (default clickpulse-deadletter). */
  readonly deadLetterContainer: string;
  /** CLICKPULSE_JOB_FILE: a job definition (JSON); absent means the seed job. */
  readonly jobFile: string | undefined;
  /** CLICKPULSE_IDLE_THRESHOLD_MS (default 5000): a partition quiet this long gets the idle watermark. */
  readonly idleThresholdInMs: number;
  /** The archive's layout and options. */
  readonly archive: {
    /** CLICKPULSE_ARCHIVE_PATH_PATTERN: ASA path pattern under each output; absent means {date}/{time}. */
    readonly pathPattern: string | undefined;
    /** CLICKPULSE_ARCHIVE_GZIP (default false). */
    readonly gzip: boolean;
    /** CLICKPULSE_ARCHIVE_RAW_EVENTS (default true): also archive each batch's valid events under raw/. */
    readonly rawEvents: boolean;
  };
  /** CLOSE_WINDOWS_SCHEDULE: the closeWindows timer's NCRONTAB (six fields, seconds first). */
  readonly closeWindowsSchedule: string;
  /** CLICKPULSE_ANOMALY_TABLE (default clickpulseanomalies): anomaly events, one row per deterministic id. */
  readonly anomalyTableName: string;
  /**
   * CLICKPULSE_ENTITY_TABLE (default clickpulseentities): per-product, per-payment-method and site rule
   * state, and the userActivity entities' state when the local executor runs them (npm start, tests).
   */
  readonly entityTableName: string;
  /**
   * CLICKPULSE_ANOMALY_RULES: JSON overrides of the fraud and behaviour rule thresholds, nested like
   * RuleConfig, e.g. {"user":{"velocity":{"failures":3}}} (default: none, DEFAULT_RULE_CONFIG).
   */
  readonly anomalyRules: RuleConfig;
  /** Alerting (ACS email, Twilio SMS, outbox, cooldown, rate cap, quiet hours, escalation); all optional. */
  readonly alerts: AlertSettings;
  /** Power BI push (POWERBI_WORKSPACE_ID, POWERBI_ENABLED...); undefined when off. */
  readonly powerBi: PowerBiSettings | undefined;
}

/** Where the engine's state, archive and dead letters live. */
export type StorageSetting =
  | { readonly kind: 'connectionString'; readonly connectionString: string; readonly settingName: string }
  | {
      readonly kind: 'identity';
      readonly tableServiceUri: string;
      readonly blobServiceUri: string;
      /** Client id of a user-assigned managed identity; absent means the default credential chain. */
      readonly clientId: string | undefined;
      readonly settingName: string;
    };

export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown at first use when settings are wrong; its message lists every problem. */
export class AppSettingsError extends Error {
  override readonly name = 'AppSettingsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid app settings:\n  - ${problems.join('\n  - ')}`);
  }
}

const tableName = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
const containerName = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** The Event Hubs trigger's connection setting prefix (connection string or __fullyQualifiedNamespace). */
export const eventHubConnectionSetting = 'EventHubConnection';

function storageSetting(env: Environment, problems: string[]): StorageSetting {
  // The engine's storage defaults to the Functions host's own account.
  const prefix = Object.keys(env).some(
    (k) => k === 'CLICKPULSE_STORAGE' || k.startsWith('CLICKPULSE_STORAGE__'),
  )
    ? 'CLICKPULSE_STORAGE'
    : 'AzureWebJobsStorage';
  const cs = env[prefix];
  if (cs) return { kind: 'connectionString', connectionString: cs, settingName: prefix };
  const account = env[`${prefix}__accountName`];
  const table =
    env[`${prefix}__tableServiceUri`] ?? (account ? `https://${account}.table.core.windows.net` : undefined);
  const blob =
    env[`${prefix}__blobServiceUri`] ?? (account ? `https://${account}.blob.core.windows.net` : undefined);
  if (table && blob) {
    for (const [name, uri] of [
      [`${prefix}__tableServiceUri`, table],
      [`${prefix}__blobServiceUri`, blob],
    ] as const) {
      if (!/^https:\/\/[^\s/]+/.test(uri))
        problems.push(`${name}: expected an https:// service URI, received ${JSON.stringify(uri)}`);
    }
    return {
      kind: 'identity',
      tableServiceUri: table,
      blobServiceUri: blob,
      clientId: env[`${prefix}__clientId`],
      settingName: prefix,
    };
  }
  problems.push(
    `${prefix}: expected a connection string, or ${prefix}__tableServiceUri and ${prefix}__blobServiceUri ` +
      `(or ${prefix}__accountName) for a managed identity, received none`,
  );
  return { kind: 'connectionString', connectionString: '', settingName: prefix };
}

function integerSetting(
  env: Environment,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (fallback === undefined)
      problems.push(`${name}: expected an integer in ${min}..${max}, received none`);
    return fallback ?? min;
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`${name}: expected an integer in ${min}..${max}, received ${JSON.stringify(raw)}`);
    return fallback ?? min;
  }
  return n;
}

/** Parses and validates the settings; throws one {@link AppSettingsError} naming every problem. */
export function parseAppSettings(env: Environment): AppSettings {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    // A Key Vault reference the platform could not resolve reaches the app verbatim.
    if (value?.startsWith('@Microsoft.KeyVault(')) {
      problems.push(`${name}: expected the secret's value, received an unresolved Key Vault reference`);
    }
  }
  if (!env[eventHubConnectionSetting] && !env[`${eventHubConnectionSetting}__fullyQualifiedNamespace`]) {
    problems.push(
      `${eventHubConnectionSetting}: expected a connection string, or ${eventHubConnectionSetting}__fullyQualifiedNamespace ` +
        'for a managed identity, received none',
    );
  }
  const name = env.EVENTHUB_NAME ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(name)) {
    problems.push(
      `EVENTHUB_NAME: expected an event hub name, received ${JSON.stringify(env.EVENTHUB_NAME ?? null)}`,
    );
  }
  const consumerGroup = env.EVENTHUB_CONSUMER_GROUP ?? '';
  if (consumerGroup.length === 0) {
    problems.push(
      "EVENTHUB_CONSUMER_GROUP: expected a consumer group name ($Default or the app's own), received none",
    );
  }
  const partitions = integerSetting(env, 'EVENTHUB_PARTITION_COUNT', undefined, 1, 1024, problems);
  const storage = storageSetting(env, problems);
  const stateTableName = env.CLICKPULSE_STATE_TABLE ?? 'clickpulsestate';
  if (!tableName.test(stateTableName)) {
    problems.push(
      `CLICKPULSE_STATE_TABLE: expected a table name (letter, then 2..62 letters or digits), received ${JSON.stringify(stateTableName)}`,
    );
  }
  const containers = {
    CLICKPULSE_ARCHIVE_CONTAINER: env.CLICKPULSE_ARCHIVE_CONTAINER ?? 'clickpulse-archive',
    CLICKPULSE_DEADLETTER_CONTAINER: env.CLICKPULSE_DEADLETTER_CONTAINER ?? 'clickpulse-deadletter',
  };
  for (const [setting, value] of Object.entries(containers)) {
    if (!containerName.test(value)) {
      problems.push(
        `${setting}: expected a container name (3..63 lower-case letters, digits, single hyphens), received ${JSON.stringify(value)}`,
      );
    }
  }
  const idleThresholdInMs = integerSetting(env, 'CLICKPULSE_IDLE_THRESHOLD_MS', 5000, 0, 3_600_000, problems);
  const booleanSetting = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    problems.push(`${name}: expected true or false, received ${JSON.stringify(raw)}`);
    return fallback;
  };
  const archivePathPattern = env.CLICKPULSE_ARCHIVE_PATH_PATTERN || undefined;
  if (archivePathPattern !== undefined) {
    try {
      compilePathPattern(archivePathPattern);
    } catch (error) {
      problems.push(`CLICKPULSE_ARCHIVE_PATH_PATTERN: ${(error as Error).message}`);
    }
  }
  const archive = {
    pathPattern: archivePathPattern,
    gzip: booleanSetting('CLICKPULSE_ARCHIVE_GZIP', false),
    rawEvents: booleanSetting('CLICKPULSE_ARCHIVE_RAW_EVENTS', true),
  };
  const closeWindowsSchedule = env.CLOSE_WINDOWS_SCHEDULE ?? '';
  if (closeWindowsSchedule.trim().split(/\s+/).length !== 6) {
    problems.push(
      `CLOSE_WINDOWS_SCHEDULE: expected an NCRONTAB expression of six fields (e.g. "*/5 * * * * *"), received ${JSON.stringify(env.CLOSE_WINDOWS_SCHEDULE ?? null)}`,
    );
  }
  const anomalyTables = {
    CLICKPULSE_ANOMALY_TABLE: env.CLICKPULSE_ANOMALY_TABLE || 'clickpulseanomalies',
    CLICKPULSE_ENTITY_TABLE: env.CLICKPULSE_ENTITY_TABLE || 'clickpulseentities',
  };
  for (const [setting, value] of Object.entries(anomalyTables)) {
    if (!tableName.test(value)) {
      problems.push(
        `${setting}: expected a table name (letter, then 2..62 letters or digits), received ${JSON.stringify(value)}`,
      );
    }
  }
  let anomalyRules = DEFAULT_RULE_CONFIG;
  const rawRules = env.CLICKPULSE_ANOMALY_RULES?.trim();
  if (rawRules) {
    let overrides: unknown;
    try {
      overrides = JSON.parse(rawRules);
    } catch {
      problems.push(
        `CLICKPULSE_ANOMALY_RULES: expected a JSON object, received ${JSON.stringify(rawRules.slice(0, 80))}`,
      );
    }
    if (overrides !== undefined) {
      const parsed = parseRuleConfig(overrides, 'CLICKPULSE_ANOMALY_RULES');
      problems.push(...parsed.problems);
      anomalyRules = parsed.config;
    }
  }
  const alerts = parseAlertSettings(env, problems);
  const powerBi = parsePowerBiSettings(env, problems);
  if (problems.length > 0) throw new AppSettingsError(problems);
  return {
    eventHub: { name, consumerGroup, partitionIds: Array.from({ length: partitions }, (_, i) => String(i)) },
    storage,
    stateTableName,
    archiveContainer: containers.CLICKPULSE_ARCHIVE_CONTAINER,
    deadLetterContainer: containers.CLICKPULSE_DEADLETTER_CONTAINER,
    jobFile: env.CLICKPULSE_JOB_FILE || undefined,
    idleThresholdInMs,
    archive,
    closeWindowsSchedule,
    anomalyTableName: anomalyTables.CLICKPULSE_ANOMALY_TABLE,
    entityTableName: anomalyTables.CLICKPULSE_ENTITY_TABLE,
    anomalyRules,
    alerts,
    powerBi,
  };
}
