// ClickPulse on Azure: a Flex Consumption Function App reading the clickstream hub of an Event Hubs
// namespace, with its state in Table Storage, archives and dead letters in Blob Storage, secrets in Key
// Vault, telemetry in Application Insights and Log Analytics, and email through Communication Services.
// Every connection uses one user-assigned managed identity; no key or connection string is stored.
//
//   azd up                                  # provision (this file) and deploy the app
//   az deployment sub create -l <region> -f infra/bicep/main.bicep -p environmentName=<name> location=<region>

targetScope = 'subscription'

import * as types from 'modules/types.bicep'

// ---------------------------------------------------------------------------------------------------
// Environment

@minLength(1)
@maxLength(40)
@description('Name of the azd environment; it names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every regional resource; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object id of the developer running azd (azd sets AZURE_PRINCIPAL_ID): granted the data roles that local runs and the simulator need. Empty: none.')
param principalId string = ''

@description('Type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Object id of a service principal that sends simulated traffic to the hub (Azure Event Hubs Data Sender). Empty: none.')
param simulatorPrincipalId string = ''

// ---------------------------------------------------------------------------------------------------
// Event Hubs

@description('Name of the clickstream event hub (EVENTHUB_NAME).')
param eventHubName string = 'clickstream'

@description('Partitions of the clickstream hub (EVENTHUB_PARTITION_COUNT). Fixed after creation on Standard; it caps the parallelism of the app.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Hours the hub retains events.')
@minValue(1)
@maxValue(168)
param eventHubRetentionInHours int = 24

@description('Throughput units of the namespace.')
@minValue(1)
@maxValue(20)
param eventHubsCapacity int = 1

@description('Auto-inflate ceiling in throughput units; equal to eventHubsCapacity turns auto-inflate off.')
@minValue(1)
@maxValue(20)
param eventHubsMaximumThroughputUnits int = 4

@description('When true (the default), SAS keys are disabled on the namespace: every producer and consumer uses Microsoft Entra ID.')
param eventHubsDisableLocalAuth bool = true

@description('Consumer group of the deployed app (EVENTHUB_CONSUMER_GROUP).')
param consumerGroupName string = 'clickpulse'

@description('Consumer group written into local.settings.json for local runs.')
param localConsumerGroupName string = 'clickpulse-local'

// ---------------------------------------------------------------------------------------------------
// Storage and the app's own settings

@description('Table of the windowed state (CLICKPULSE_STATE_TABLE).')
param stateTableName string = 'clickpulsestate'

@description('Container of the archived window rows (CLICKPULSE_ARCHIVE_CONTAINER).')
param archiveContainerName string = 'clickpulse-archive'

@description('Container of the dead letters (CLICKPULSE_DEADLETTER_CONTAINER).')
param deadLetterContainerName string = 'clickpulse-deadletter'

@description('Table of the anomaly events (CLICKPULSE_ANOMALY_TABLE).')
param anomalyTableName string = 'clickpulseanomalies'

@description('Table of the per-entity rule state (CLICKPULSE_ENTITY_TABLE).')
param entityTableName string = 'clickpulseentities'

@description('Table of the alert claims, cooldowns and records (CLICKPULSE_ALERT_TABLE).')
param alertTableName string = 'clickpulsealerts'

@description('Container of the messages of unconfigured alert channels (CLICKPULSE_OUTBOX_CONTAINER).')
param outboxContainerName string = 'clickpulse-outbox'

@description('Container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string = 'app-package'

@description('NCRONTAB (six fields) of the closeWindows timer (CLOSE_WINDOWS_SCHEDULE); each run is a billed execution.')
param closeWindowsSchedule string = '*/10 * * * * *'

@description('Quiet time in ms after which a partition gets the idle watermark (CLICKPULSE_IDLE_THRESHOLD_MS).')
@minValue(0)
@maxValue(3600000)
param idleThresholdMs int = 5000

@description('When true, the storage services\' request logs also go to Log Analytics (billed per GB; metrics always go).')
param storageResourceLogs bool = false

// ---------------------------------------------------------------------------------------------------
// Function App (Flex Consumption)

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances (the hub\'s partitions bound the Event Hubs function anyway).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances of the ingestClickEvents function (no cold start; billed while idle). 0: scale to zero.')
@minValue(0)
@maxValue(32)
param alwaysReadyInstances int = 0

@description('When true, the Function App\'s FunctionAppLogs also go to Log Analytics (they duplicate Application Insights; metrics always go).')
param functionAppResourceLogs bool = false

// ---------------------------------------------------------------------------------------------------
// Monitoring, secrets, networking

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logAnalyticsRetentionInDays int = 30

@description('Daily ingestion cap of Log Analytics in GB, or -1 for none.')
param logAnalyticsDailyQuotaGb int = -1

@description('When true, Key Vault purge protection is on (production). It keeps a deleted vault\'s name taken for the retention period, so azd down then azd up with the same environment fails; off by default.')
param keyVaultEnablePurgeProtection bool = false

@description('When true, Storage, Event Hubs and Key Vault are reachable only through private endpoints in a new VNet, and the app joins it through VNet integration.')
param enablePrivateNetworking bool = false

// ---------------------------------------------------------------------------------------------------
// Alerting and reporting

@description('Geography where Communication Services stores data at rest.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param communicationDataLocation string = 'United States'

@description('Alert email recipients, comma-separated, at most 50 (ALERT_EMAIL_RECIPIENTS). Empty: email alerts off, and ACS_ENDPOINT / ACS_SENDER_ADDRESS stay empty (the app requires recipients once email is configured).')
param alertEmailRecipients string = ''

@description('Twilio account SID, AC + 32 hex digits (TWILIO_ACCOUNT_SID); not a secret. Set it with twilioFromNumber, twilioAuthToken and twilioOnCallNumbers, or none of them (SMS alerts off).')
param twilioAccountSid string = ''

@description('Twilio sender: an E.164 number or a Messaging Service SID (TWILIO_FROM_NUMBER).')
param twilioFromNumber string = ''

@description('Twilio auth token: stored in Key Vault, and TWILIO_AUTH_TOKEN is a Key Vault reference to it. Empty: no secret, empty setting.')
@secure()
param twilioAuthToken string = ''

@description('On-call phone numbers, comma-separated E.164: stored in Key Vault, and TWILIO_ONCALL_NUMBERS is a Key Vault reference to it. Empty: no secret, empty setting.')
@secure()
param twilioOnCallNumbers string = ''

@description('Power BI workspace (group) id of the push dataset (POWERBI_WORKSPACE_ID). Empty: Power BI output off.')
param powerBiWorkspaceId string = ''

@description('Name of the Power BI push dataset (POWERBI_DATASET).')
param powerBiDataset string = 'ClickPulse'

// ---------------------------------------------------------------------------------------------------
// Names

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags types.tags = {
  'azd-env-name': environmentName
  application: 'clickpulse'
}
var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  identity: 'id-clickpulse-${resourceToken}'
  logAnalytics: 'log-clickpulse-${resourceToken}'
  applicationInsights: 'appi-clickpulse-${resourceToken}'
  storage: 'stclkp${resourceToken}'
  eventHubsNamespace: 'evhns-clickpulse-${resourceToken}'
  keyVault: 'kv-clkp-${resourceToken}'
  communicationService: 'acs-clickpulse-${resourceToken}'
  emailService: 'ecs-clickpulse-${resourceToken}'
  plan: 'plan-clickpulse-${resourceToken}'
  functionApp: 'func-clickpulse-${resourceToken}'
  vnet: 'vnet-clickpulse-${resourceToken}'
}

// The Event Hubs function, as registered in src/functions/ingestClickEvents.ts (its Flex scale group).
var ingestFunctionName = 'ingestClickEvents'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------------
// Resources

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logAnalyticsRetentionInDays
    dailyQuotaGb: logAnalyticsDailyQuotaGb
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    containerNames: [
      archiveContainerName
      deadLetterContainerName
      outboxContainerName
      deploymentContainerName
    ]
    tableNames: [
      stateTableName
      anomalyTableName
      entityTableName
      alertTableName
    ]
    privateNetworking: enablePrivateNetworking
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    resourceLogs: storageResourceLogs
  }
}

module eventHubs 'modules/eventHubs.bicep' = {
  name: 'eventHubs'
  scope: rg
  params: {
    namespaceName: names.eventHubsNamespace
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    retentionInHours: eventHubRetentionInHours
    appConsumerGroupName: consumerGroupName
    localConsumerGroupName: localConsumerGroupName
    capacity: eventHubsCapacity
    maximumThroughputUnits: eventHubsMaximumThroughputUnits
    disableLocalAuth: eventHubsDisableLocalAuth
    privateNetworking: enablePrivateNetworking
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    enablePurgeProtection: keyVaultEnablePurgeProtection
    twilioAuthToken: twilioAuthToken
    twilioOnCallNumbers: twilioOnCallNumbers
    privateNetworking: enablePrivateNetworking
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    communicationServiceName: names.communicationService
    emailServiceName: names.emailService
    dataLocation: communicationDataLocation
    tags: tags
  }
}

module network 'modules/network.bicep' = if (enablePrivateNetworking) {
  name: 'network'
  scope: rg
  params: {
    vnetName: names.vnet
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    eventHubsNamespaceId: eventHubs.outputs.namespaceId
    keyVaultId: keyVault.outputs.id
  }
}

module roleAssignments 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  scope: rg
  params: {
    // Names known at compile time (not module outputs), so that What-If can predict every assignment.
    appIdentityName: names.identity
    simulatorPrincipalId: simulatorPrincipalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
    eventHubsNamespaceName: names.eventHubsNamespace
    eventHubName: eventHubName
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    communicationServiceName: names.communicationService
  }
  dependsOn: [
    identity
    eventHubs
    storage
    keyVault
    monitoring
    communication
  ]
}

// A versionless Key Vault reference (rotations are picked up); the app refuses to start while one is
// unresolved (src/lib/config/appSettings.ts), so a reference is set only when its secret is written.
func keyVaultReference(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

// Every setting the app reads (src/lib/config/appSettings.ts), identity-based; test/infra checks this list
// against the code, local.settings.sample.json and the docs.
var appSettings types.appSettings = {
  // Functions host storage (checkpoints, leases, timer locks, Durable Functions) and the app's state,
  // archive and dead letters (CLICKPULSE_STORAGE is unset, so the app uses this account too).
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  // The Event Hubs trigger.
  EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identity.outputs.clientId
  EVENTHUB_NAME: eventHubs.outputs.eventHubName
  EVENTHUB_CONSUMER_GROUP: eventHubs.outputs.appConsumerGroupName
  EVENTHUB_PARTITION_COUNT: string(eventHubPartitionCount)
  // The engine.
  CLOSE_WINDOWS_SCHEDULE: closeWindowsSchedule
  CLICKPULSE_STATE_TABLE: stateTableName
  CLICKPULSE_ARCHIVE_CONTAINER: archiveContainerName
  CLICKPULSE_DEADLETTER_CONTAINER: deadLetterContainerName
  CLICKPULSE_IDLE_THRESHOLD_MS: string(idleThresholdMs)
  // The job the app ships with (an ASA query, compiled and validated at start).
  CLICKPULSE_JOB_FILE: 'jobs/clicks-per-user-product.asaql'
  // Telemetry with Microsoft Entra ID (local auth is off on Application Insights).
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  // DefaultAzureCredential in the app's own SDK clients picks the user-assigned identity.
  AZURE_CLIENT_ID: identity.outputs.clientId
  // Anomaly detection and alerting state.
  CLICKPULSE_ANOMALY_TABLE: anomalyTableName
  CLICKPULSE_ENTITY_TABLE: entityTableName
  CLICKPULSE_ALERT_TABLE: alertTableName
  CLICKPULSE_OUTBOX_CONTAINER: outboxContainerName
  // Alerting: email through Communication Services with the identity (configured only with recipients,
  // which the app then requires), SMS through Twilio with its token and the on-call numbers as Key
  // Vault references.
  ALERT_EMAIL_RECIPIENTS: alertEmailRecipients
  ACS_ENDPOINT: empty(alertEmailRecipients) ? '' : communication.outputs.endpoint
  ACS_SENDER_ADDRESS: empty(alertEmailRecipients) ? '' : communication.outputs.senderAddress
  ACS_CLIENT_ID: identity.outputs.clientId
  TWILIO_ACCOUNT_SID: twilioAccountSid
  TWILIO_FROM_NUMBER: twilioFromNumber
  TWILIO_AUTH_TOKEN: empty(twilioAuthToken)
    ? ''
    : keyVaultReference(keyVault.outputs.uri, keyVault.outputs.twilioAuthTokenSecretName)
  TWILIO_ONCALL_NUMBERS: empty(twilioOnCallNumbers)
    ? ''
    : keyVaultReference(keyVault.outputs.uri, keyVault.outputs.twilioOnCallNumbersSecretName)
  // Power BI push dataset, with the identity (off while POWERBI_WORKSPACE_ID is empty).
  POWERBI_WORKSPACE_ID: powerBiWorkspaceId
  POWERBI_DATASET: powerBiDataset
  POWERBI_CLIENT_ID: identity.outputs.clientId
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    azdServiceName: 'clickpulse'
    identityId: identity.outputs.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    nodeVersion: '24'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReady: alwaysReadyInstances > 0
      ? [
          {
            name: 'function:${ingestFunctionName}'
            instanceCount: alwaysReadyInstances
          }
        ]
      : []
    appSettings: appSettings
    subnetId: enablePrivateNetworking ? network!.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    resourceLogs: functionAppResourceLogs
  }
  // The roles (Key Vault Secrets User above all, for the references) exist before the app first starts.
  dependsOn: [
    roleAssignments
  ]
}

// ---------------------------------------------------------------------------------------------------
// Outputs: azd stores them in the environment (.azure/<env>/.env); the post-provision hook writes
// local.settings.json from them. Names and endpoints only, never a secret.

@description('Resource group of the deployment.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Name of the Function App.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('HTTPS URL of the Function App (GET /api/health with a function key).')
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url

@description('Name of the user-assigned managed identity.')
output AZURE_MANAGED_IDENTITY_NAME string = identity.outputs.name

@description('Client id of the user-assigned managed identity.')
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Name of the storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob endpoint of the storage account.')
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Queue endpoint of the storage account.')
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint

@description('Table endpoint of the storage account.')
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint

@description('Name of the Event Hubs namespace.')
output EVENTHUB_NAMESPACE_NAME string = eventHubs.outputs.namespaceName

@description('Fully qualified namespace of Event Hubs.')
output EVENTHUB_FULLY_QUALIFIED_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace

@description('Name of the clickstream hub.')
output EVENTHUB_NAME string = eventHubs.outputs.eventHubName

@description('Consumer group of the deployed app.')
output EVENTHUB_CONSUMER_GROUP string = eventHubs.outputs.appConsumerGroupName

@description('Consumer group of local runs.')
output EVENTHUB_LOCAL_CONSUMER_GROUP string = eventHubs.outputs.localConsumerGroupName

@description('Partitions of the clickstream hub.')
output EVENTHUB_PARTITION_COUNT int = eventHubPartitionCount

@description('State table of the deployed app.')
output CLICKPULSE_STATE_TABLE string = stateTableName

@description('Archive container of the deployed app.')
output CLICKPULSE_ARCHIVE_CONTAINER string = archiveContainerName

@description('Dead-letter container of the deployed app.')
output CLICKPULSE_DEADLETTER_CONTAINER string = deadLetterContainerName

@description('Anomaly table of the deployed app.')
output CLICKPULSE_ANOMALY_TABLE string = anomalyTableName

@description('Entity table of the deployed app.')
output CLICKPULSE_ENTITY_TABLE string = entityTableName

@description('Alert table of the deployed app.')
output CLICKPULSE_ALERT_TABLE string = alertTableName

@description('Alert outbox container of the deployed app.')
output CLICKPULSE_OUTBOX_CONTAINER string = outboxContainerName

@description('Schedule of the closeWindows timer.')
output CLOSE_WINDOWS_SCHEDULE string = closeWindowsSchedule

@description('Idle threshold of the engine in ms.')
output CLICKPULSE_IDLE_THRESHOLD_MS int = idleThresholdMs

@description('Name of the Key Vault.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the Key Vault.')
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri

@description('Name of the Log Analytics workspace.')
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.workspaceName

@description('Name of the Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Name of the Communication Services resource.')
output AZURE_COMMUNICATION_SERVICE_NAME string = communication.outputs.name

@description('Name of the Email Communication Service resource.')
output AZURE_EMAIL_SERVICE_NAME string = communication.outputs.emailServiceName

@description('Endpoint of Communication Services.')
output ACS_ENDPOINT string = communication.outputs.endpoint

@description('Sender address on the Azure-managed email domain.')
output ACS_SENDER_ADDRESS string = communication.outputs.senderAddress
