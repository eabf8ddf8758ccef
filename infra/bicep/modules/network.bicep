// Optional private networking: a VNet with a subnet delegated to the Flex Consumption app (VNet
// integration) and a subnet of private endpoints for Storage (blob, queue, table), Event Hubs and Key
// Vault, with their private DNS zones linked to the VNet. Deployed only when enablePrivateNetworking is true.

import * as types from 'types.bicep'

@description('Name of the virtual network.')
param vnetName string

@description('Azure region of the network and the private endpoints.')
param location string

@description('Tags applied to every resource.')
param tags types.tags

@description('Address space of the VNet.')
param addressPrefix string = '10.42.0.0/16'

@description('Subnet delegated to Microsoft.App/environments for the Function App\'s VNet integration.')
param appSubnetPrefix string = '10.42.1.0/24'

@description('Subnet of the private endpoints.')
param privateEndpointSubnetPrefix string = '10.42.2.0/24'

@description('Resource id of the storage account.')
param storageAccountId string

@description('Resource id of the Event Hubs namespace.')
param eventHubsNamespaceId string

@description('Resource id of the Key Vault.')
param keyVaultId string

var appSubnetName = 'snet-app'
var privateEndpointSubnetName = 'snet-private-endpoints'

// One entry per private endpoint: the target, its sub-resource (group id) and its DNS zone.
var endpoints = [
  {
    name: 'blob'
    targetId: storageAccountId
    groupId: 'blob'
    zone: 'privatelink.blob.${environment().suffixes.storage}'
  }
  {
    name: 'queue'
    targetId: storageAccountId
    groupId: 'queue'
    zone: 'privatelink.queue.${environment().suffixes.storage}'
  }
  {
    name: 'table'
    targetId: storageAccountId
    groupId: 'table'
    zone: 'privatelink.table.${environment().suffixes.storage}'
  }
  {
    name: 'eventhubs'
    targetId: eventHubsNamespaceId
    groupId: 'namespace'
    zone: 'privatelink.servicebus.windows.net'
  }
  {
    name: 'keyvault'
    targetId: keyVaultId
    groupId: 'vault'
    zone: 'privatelink.vaultcore.azure.net'
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: appSubnetName
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: vnet.name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2025-05-01' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}-${uniqueString(endpoint.targetId)}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.targetId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2025-05-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: replace(endpoint.zone, '.', '-')
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

@description('Resource id of the subnet the Function App integrates with.')
output appSubnetId string = vnet::appSubnet.id

@description('Name of the virtual network.')
output vnetName string = vnet.name
