// The Event Hubs namespace (Standard: custom consumer groups, 7-day retention), the clickstream hub and
// the consumer groups of the app and of developers' local runs.

import * as types from 'types.bicep'

@description('Name of the Event Hubs namespace (6-50 characters, globally unique).')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags types.tags

@description('Name of the clickstream event hub.')
param eventHubName string

@description('Partitions of the hub: they cap the app\'s parallelism (one instance per partition) and cannot be changed on Standard after creation.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Hours the hub retains events (Standard allows up to 168).')
@minValue(1)
@maxValue(168)
param retentionInHours int = 24

@description('Consumer group of the deployed app.')
param appConsumerGroupName string

@description('Consumer group of developers\' local runs, so that they never take partitions from the deployed app.')
param localConsumerGroupName string

@description('Throughput units (1 TU: 1 MB/s or 1,000 events/s in, 2 MB/s out).')
@minValue(1)
@maxValue(20)
param capacity int = 1

@description('Upper bound for auto-inflate; equal to capacity disables it.')
@minValue(1)
@maxValue(20)
param maximumThroughputUnits int = 4

@description('When true, SAS keys (local auth) are disabled and every client must use Microsoft Entra ID.')
param disableLocalAuth bool = true

@description('When true, the namespace is reachable only through a private endpoint.')
param privateNetworking bool = false

@description('Resource id of the Log Analytics workspace that receives the diagnostic settings.')
param logAnalyticsWorkspaceId string

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: disableLocalAuth
    minimumTlsVersion: '1.2'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    isAutoInflateEnabled: maximumThroughputUnits > capacity
    maximumThroughputUnits: maximumThroughputUnits > capacity ? maximumThroughputUnits : 0
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    retentionDescription: {
      cleanupPolicy: 'Delete'
      retentionTimeInHours: retentionInHours
    }
  }
}

resource appConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = {
  parent: hub
  name: appConsumerGroupName
  properties: {
    userMetadata: 'ClickPulse Function App (EVENTHUB_CONSUMER_GROUP)'
  }
}

resource localConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = {
  parent: hub
  name: localConsumerGroupName
  properties: {
    userMetadata: 'ClickPulse local runs (local.settings.json written by the azd post-provision hook)'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

@description('Resource id of the namespace.')
output namespaceId string = namespace.id

@description('Name of the namespace.')
output namespaceName string = namespace.name

@description('Fully qualified namespace: the value of EventHubConnection__fullyQualifiedNamespace.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]

@description('Name of the hub.')
output eventHubName string = hub.name

@description('Consumer group of the deployed app.')
output appConsumerGroupName string = appConsumerGroup.name

@description('Consumer group of local runs.')
output localConsumerGroupName string = localConsumerGroup.name
