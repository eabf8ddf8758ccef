// Role assignments, least privilege, each on the one resource it is needed for. The matrix of who gets
// which role where is ../roles.json (the tests read the same file); this module only applies it.

@description('Name of the Function App\'s user-assigned identity.')
param appIdentityName string

@description('Principal id of the service principal that sends simulated traffic; empty for none.')
param simulatorPrincipalId string = ''

@description('Principal id of the developer who runs the app locally against these resources; empty for none.')
param developerPrincipalId string = ''

@description('Type of the developer principal (a user for azd up, a service principal in a pipeline).')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

@description('Name of the Event Hubs namespace.')
param eventHubsNamespaceName string

@description('Name of the clickstream event hub (the scope of the Event Hubs roles).')
param eventHubName string

@description('Name of the storage account.')
param storageAccountName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Name of the Communication Services resource.')
param communicationServiceName string

var matrix = loadJsonContent('../roles.json')
var roleIds = matrix.roleIds

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: eventHubsNamespaceName

  resource hub 'eventhubs' existing = {
    name: eventHubName
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

// The app's identity.

resource appEventHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in matrix.app.eventHub: {
    name: guid(namespace::hub.id, appIdentity.id, roleIds[role])
    scope: namespace::hub
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in matrix.app.storage: {
    name: guid(storageAccount.id, appIdentity.id, roleIds[role])
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in matrix.app.keyVault: {
    name: guid(vault.id, appIdentity.id, roleIds[role])
    scope: vault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appApplicationInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in matrix.app.applicationInsights: {
    name: guid(appInsights.id, appIdentity.id, roleIds[role])
    scope: appInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appCommunicationService 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in matrix.app.communicationService: {
    name: guid(communicationService.id, appIdentity.id, roleIds[role])
    scope: communicationService
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The simulator's service principal (optional).

resource simulatorEventHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(simulatorPrincipalId) ? [] : matrix.simulator.eventHub): {
    name: guid(namespace::hub.id, simulatorPrincipalId, roleIds[role])
    scope: namespace::hub
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: simulatorPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The developer (optional): local runs and the simulator from a workstation.

resource developerEventHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(developerPrincipalId) ? [] : matrix.developer.eventHub): {
    name: guid(namespace::hub.id, developerPrincipalId, roleIds[role])
    scope: namespace::hub
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: developerPrincipalId
      principalType: developerPrincipalType
    }
  }
]

resource developerStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(developerPrincipalId) ? [] : matrix.developer.storage): {
    name: guid(storageAccount.id, developerPrincipalId, roleIds[role])
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: developerPrincipalId
      principalType: developerPrincipalType
    }
  }
]

resource developerCommunicationService 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(developerPrincipalId) ? [] : matrix.developer.communicationService): {
    name: guid(communicationService.id, developerPrincipalId, roleIds[role])
    scope: communicationService
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: developerPrincipalId
      principalType: developerPrincipalType
    }
  }
]
