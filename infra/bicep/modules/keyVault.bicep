// Key Vault in RBAC mode for the secrets that remain once every Azure connection uses the managed identity:
// the Twilio auth token and the on-call phone numbers. The app reads them through Key Vault references
// in its app settings. A secret is written only when its value is given; otherwise its setting stays
// empty and the feature that needs it stays off.

import * as types from 'types.bicep'

@description('Name of the vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags types.tags

@description('Days a deleted vault or secret can be recovered (7-90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

@description('When true, a deleted vault cannot be purged before its retention ends (production); it also blocks reusing the name after azd down.')
param enablePurgeProtection bool = false

@description('Twilio auth token (used by the alerting issue); empty: the secret is not written.')
@secure()
param twilioAuthToken string = ''

@description('On-call phone numbers, comma-separated E.164 (used by the alerting issue); empty: the secret is not written.')
@secure()
param twilioOnCallNumbers string = ''

@description('When true, the vault is reachable only through a private endpoint (the app resolves references through its VNet integration).')
param privateNetworking bool = false

@description('Resource id of the Log Analytics workspace that receives the diagnostic settings.')
param logAnalyticsWorkspaceId string

@description('Secret names, fixed so that the references in the app settings can be built before the secrets exist.')
var secretNames = {
  twilioAuthToken: 'twilio-auth-token'
  twilioOnCallNumbers: 'twilio-oncall-numbers'
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource twilioAuthTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(twilioAuthToken)) {
  parent: vault
  name: secretNames.twilioAuthToken
  properties: {
    value: twilioAuthToken
    contentType: 'text/plain'
  }
}

resource twilioOnCallNumbersSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(twilioOnCallNumbers)) {
  parent: vault
  name: secretNames.twilioOnCallNumbers
  properties: {
    value: twilioOnCallNumbers
    contentType: 'text/plain'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
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

@description('Resource id of the vault.')
output id string = vault.id

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, ending with a slash.')
output uri string = vault.properties.vaultUri

@description('Name of the Twilio auth token secret (present only when a token was given).')
output twilioAuthTokenSecretName string = secretNames.twilioAuthToken

@description('Name of the on-call phone numbers secret (present only when numbers were given).')
output twilioOnCallNumbersSecretName string = secretNames.twilioOnCallNumbers
