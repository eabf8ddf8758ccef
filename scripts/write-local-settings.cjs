#!/usr/bin/env node
// azd post-provision hook (azure.yaml): writes local.settings.json so that `func start` on a developer's
// machine runs against the resources `azd provision` just created, with the developer's own Microsoft
// Entra identity (az login / azd auth login): no keys, as in Azure.
//
// Local runs use their own consumer group, state table and containers, so they never take partitions or
// state from the deployed app. Settings the developer added or filled in by hand (alerting, Power BI)
// are kept; the previous file is saved as local.settings.json.bak.
//
//   node scripts/write-local-settings.cjs [--out FILE]     (reads azd's environment: the Bicep outputs)
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Bicep outputs (main.bicep) this hook needs; azd passes them to hooks as environment variables. */
const required = [
  'AZURE_STORAGE_BLOB_ENDPOINT',
  'AZURE_STORAGE_QUEUE_ENDPOINT',
  'AZURE_STORAGE_TABLE_ENDPOINT',
  'EVENTHUB_FULLY_QUALIFIED_NAMESPACE',
  'EVENTHUB_NAME',
  'EVENTHUB_LOCAL_CONSUMER_GROUP',
  'EVENTHUB_PARTITION_COUNT',
  'CLICKPULSE_STATE_TABLE',
  'CLICKPULSE_ARCHIVE_CONTAINER',
  'CLICKPULSE_DEADLETTER_CONTAINER',
];

/** Settings the developer fills in by hand: a value already in local.settings.json is kept. */
const developerOwned = [
  'CLICKPULSE_JOB_FILE',
  'ALERT_EMAIL_RECIPIENTS',
  'ACS_ENDPOINT',
  'ACS_SENDER_ADDRESS',
  'ACS_CLIENT_ID',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_FROM_NUMBER',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_ONCALL_NUMBERS',
  'POWERBI_WORKSPACE_ID',
  'POWERBI_DATASET',
  'POWERBI_CLIENT_ID',
];

/** The Values of local.settings.json for the provisioned environment `env`. */
function localSettingsValues(env) {
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: run this as azd's post-provision hook (azd provision / azd up), ` +
        'or export the outputs of infra/bicep/main.bicep first',
    );
  }
  const trimSlash = (uri) => uri.replace(/\/+$/, '');
  return {
    // Required by func start; Flex Consumption sets the runtime from functionAppConfig instead.
    FUNCTIONS_WORKER_RUNTIME: 'node',
    // No __credential: locally the host and the app use DefaultAzureCredential, i.e. the developer.
    AzureWebJobsStorage__blobServiceUri: trimSlash(env.AZURE_STORAGE_BLOB_ENDPOINT),
    AzureWebJobsStorage__queueServiceUri: trimSlash(env.AZURE_STORAGE_QUEUE_ENDPOINT),
    AzureWebJobsStorage__tableServiceUri: trimSlash(env.AZURE_STORAGE_TABLE_ENDPOINT),
    EventHubConnection__fullyQualifiedNamespace: env.EVENTHUB_FULLY_QUALIFIED_NAMESPACE,
    EVENTHUB_NAME: env.EVENTHUB_NAME,
    EVENTHUB_CONSUMER_GROUP: env.EVENTHUB_LOCAL_CONSUMER_GROUP,
    EVENTHUB_PARTITION_COUNT: String(env.EVENTHUB_PARTITION_COUNT),
    CLOSE_WINDOWS_SCHEDULE: env.CLOSE_WINDOWS_SCHEDULE || '*/5 * * * * *',
    // Local runs keep their own state and outputs next to the deployed app's.
    CLICKPULSE_STATE_TABLE: `${env.CLICKPULSE_STATE_TABLE}local`,
    CLICKPULSE_ARCHIVE_CONTAINER: `${env.CLICKPULSE_ARCHIVE_CONTAINER}-local`,
    CLICKPULSE_DEADLETTER_CONTAINER: `${env.CLICKPULSE_DEADLETTER_CONTAINER}-local`,
    CLICKPULSE_IDLE_THRESHOLD_MS: String(env.CLICKPULSE_IDLE_THRESHOLD_MS || '5000'),
    CLICKPULSE_JOB_FILE: '',
    CLICKPULSE_ANOMALY_TABLE: `${env.CLICKPULSE_ANOMALY_TABLE || 'clickpulseanomalies'}local`,
    CLICKPULSE_ENTITY_TABLE: `${env.CLICKPULSE_ENTITY_TABLE || 'clickpulseentities'}local`,
    CLICKPULSE_ALERT_TABLE: `${env.CLICKPULSE_ALERT_TABLE || 'clickpulsealerts'}local`,
    CLICKPULSE_OUTBOX_CONTAINER: `${env.CLICKPULSE_OUTBOX_CONTAINER || 'clickpulse-outbox'}-local`,
    // Alerting and Power BI: off locally (alerts go to the outbox container) until you fill these in.
    // Key Vault references do not resolve under func start: secrets go here in plain text, on your
    // machine only. Email with your identity needs a role on Communication Services (not granted).
    ALERT_EMAIL_RECIPIENTS: '',
    ACS_ENDPOINT: '',
    ACS_SENDER_ADDRESS: '',
    ACS_CLIENT_ID: '',
    TWILIO_ACCOUNT_SID: '',
    TWILIO_FROM_NUMBER: '',
    TWILIO_AUTH_TOKEN: '',
    TWILIO_ONCALL_NUMBERS: '',
    POWERBI_WORKSPACE_ID: '',
    POWERBI_DATASET: 'ClickPulse',
    POWERBI_CLIENT_ID: '',
  };
}

function main(argv) {
  const outIndex = argv.indexOf('--out');
  const out = path.resolve(
    outIndex >= 0 && argv[outIndex + 1]
      ? argv[outIndex + 1]
      : path.join(__dirname, '..', 'local.settings.json'),
  );
  const values = localSettingsValues(process.env);
  let previous = {};
  if (fs.existsSync(out)) {
    const text = fs.readFileSync(out, 'utf8');
    fs.writeFileSync(`${out}.bak`, text);
    try {
      previous = JSON.parse(text);
    } catch {
      previous = {};
    }
  }
  const kept = { ...(previous.Values || {}) };
  // A connection string left from the emulator setup would win over the identity-based settings.
  delete kept.AzureWebJobsStorage;
  delete kept.EventHubConnection;
  const merged = { ...kept, ...values };
  for (const name of developerOwned) {
    if (kept[name]) merged[name] = kept[name];
  }
  const settings = { ...previous, IsEncrypted: false, Values: merged };
  fs.writeFileSync(out, `${JSON.stringify(settings, null, 2)}\n`);
  console.log(
    `wrote ${path.relative(process.cwd(), out) || out} for ${values.EventHubConnection__fullyQualifiedNamespace}`,
  );
  console.log(`local runs read consumer group ${values.EVENTHUB_CONSUMER_GROUP} as your az login identity`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`write-local-settings: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

module.exports = { localSettingsValues, required, developerOwned };
