// The user-assigned managed identity that every connection of the Function App uses.

import * as types from 'types.bicep'

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags types.tags

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id: the __clientId of every identity-based connection.')
output clientId string = identity.properties.clientId

@description('Object (principal) id: what the role assignments are granted to.')
output principalId string = identity.properties.principalId
