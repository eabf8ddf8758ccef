// The storage account: the Functions host's own storage (AzureWebJobsStorage: Event Hubs checkpoints and
// leases, timer locks, Durable Functions queues and tables), the app's state table, its archive and
// dead-letter containers, and the Flex Consumption deployment container. Entra ID only: shared-key access
// is disabled, so there are no keys or connection strings to leak.

import * as types from 'types.bicep'

@description('Name of the storage account (3-24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags types.tags

@description('Redundancy of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param skuName string = 'Standard_LRS'

@description('Blob containers to create: the archive, the dead letters and the deployment package container.')
param containerNames string[]

@description('Tables to create: the app\'s state table.')
param tableNames string[]

@description('When true, the account is reachable only through private endpoints (public network access disabled).')
param privateNetworking bool = false

@description('Resource id of the Log Analytics workspace that receives the diagnostic settings.')
param logAnalyticsWorkspaceId string

@description('When true, the blob, queue and table services also send their resource logs (every request) to Log Analytics; billed per GB ingested, so off by default (metrics are always sent).')
param resourceLogs bool = false

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Durable Functions' Azure Storage provider creates its queues itself; the service is declared so that
// its diagnostic setting has a parent.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: resourceLogs
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: resourceLogs
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: resourceLogs
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

@description('Resource id of the account.')
output id string = account.id

@description('Name of the account.')
output name string = account.name

@description('Blob service endpoint, ending with a slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue service endpoint, ending with a slash.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table service endpoint, ending with a slash.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Names of the containers created.')
output containerNames string[] = [for (containerName, i) in containerNames: containers[i].name]

@description('Names of the tables created.')
output tableNames string[] = [for (tableName, i) in tableNames: tables[i].name]
