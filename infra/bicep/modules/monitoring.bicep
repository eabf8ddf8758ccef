// Log Analytics workspace and a workspace-based Application Insights with local (key) auth disabled:
// the app sends telemetry with its managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).

import * as types from 'types.bicep'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region of both resources.')
param location string

@description('Tags applied to both resources.')
param tags types.tags

@description('Days the workspace keeps data (30 is included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Daily ingestion cap of the workspace in GB, or -1 for none. A cap bounds the cost of a runaway log loop, but telemetry past it is dropped until the next day.')
param dailyQuotaGb int = -1

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

@description('Resource id of the Log Analytics workspace (the destination of every diagnostic setting).')
output workspaceId string = workspace.id

@description('Name of the Log Analytics workspace.')
output workspaceName string = workspace.name

@description('Name of the Application Insights component.')
output applicationInsightsName string = appInsights.name

@description('Application Insights connection string: an ingestion endpoint, not a secret once local auth is disabled.')
output applicationInsightsConnectionString string = appInsights.properties.ConnectionString
