// Azure Communication Services with an Email Communication Service and an Azure-managed domain: email
// alerts work right after `azd up`, with no DNS records to verify. Azure-managed domains are rate-limited
// (about 5 emails a minute); link a verified custom domain for more.

import * as types from 'types.bicep'

@description('Name of the Communication Services resource (globally unique; it forms the endpoint host name).')
param communicationServiceName string

@description('Name of the Email Communication Service resource.')
param emailServiceName string

@description('Where the services store data at rest (a geography, not a region, e.g. United States, Europe).')
param dataLocation string

@description('Tags applied to the resources.')
param tags types.tags

@description('User name of the sender address (the part before @).')
param senderUsername string = 'DoNotReply'

@description('Display name of the sender.')
param senderDisplayName string = 'ClickPulse alerts'

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource domain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource sender 'Microsoft.Communication/emailServices/domains/senderUsernames@2025-05-01' = {
  parent: domain
  name: toLower(senderUsername)
  properties: {
    username: senderUsername
    displayName: senderDisplayName
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      domain.id
    ]
    disableLocalAuth: true
  }
}

@description('Resource id of the Communication Services resource.')
output id string = communicationService.id

@description('Name of the Communication Services resource.')
output name string = communicationService.name

@description('Name of the Email Communication Service resource.')
output emailServiceName string = emailService.name

@description('Endpoint of the Communication Services resource (ACS_ENDPOINT).')
output endpoint string = 'https://${communicationService.properties.hostName}'

@description('Sender address on the Azure-managed domain (ACS_SENDER_ADDRESS).')
output senderAddress string = '${sender.properties.username}@${domain.properties.mailFromSenderDomain}'
