// The Function App on the Flex Consumption plan (FC1, Linux): Node.js from functionAppConfig.runtime,
// code deployed to a blob container with the user-assigned identity, scale settings as parameters, and
// every connection identity-based through the app settings it is given.

import * as types from 'types.bicep'

@description('Name of the Function App (globally unique; it forms the default host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app (a region that offers Flex Consumption).')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags types.tags

@description('Service name in azure.yaml: azd deploys to the app tagged with it.')
param azdServiceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Blob endpoint of the storage account that holds the deployment container, ending with a slash.')
param storageBlobEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Node.js version of the Flex Consumption runtime.')
@allowed([
  '22'
  '24'
])
param nodeVersion string = '24'

@description('Memory of each instance in MB (Flex Consumption instance sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances: [{ name: \'function:<name>\' | \'http\' | \'blob\' | \'durable\', instanceCount: n }]; billed while idle.')
param alwaysReady types.alwaysReadyInstance[] = []

@description('App settings as name-value pairs. Identity-based connections only: no keys or connection strings.')
param appSettings types.appSettings

@description('Resource id of the subnet (delegated to Microsoft.App/environments) for VNet integration; empty for none.')
param subnetId string = ''

@description('Resource id of the Log Analytics workspace that receives the diagnostic settings.')
param logAnalyticsWorkspaceId string

@description('When true, the app\'s resource logs (FunctionAppLogs) also go to Log Analytics; they duplicate what Application Insights already receives, so off by default (metrics are always sent).')
param resourceLogs bool = false

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReady
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Deployment goes through Microsoft Entra ID (azd, func, az); basic-auth publishing stays off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: resourceLogs
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

@description('Resource id of the app.')
output id string = app.id

@description('Name of the app.')
output name string = app.name

@description('Name of the plan.')
output planName string = plan.name

@description('Default host name of the app.')
output defaultHostName string = app.properties.defaultHostName

@description('HTTPS URL of the app.')
output url string = 'https://${app.properties.defaultHostName}'
