// Types shared by main.bicep and the modules (compile-time imports).

@export()
@description('Resource tags: names to string values.')
type tags = {
  *: string
}

@export()
@description('App settings: names to string values (Key Vault references allowed, never secrets themselves).')
type appSettings = {
  *: string
}

@export()
@description('One always-ready entry of a Flex Consumption app.')
type alwaysReadyInstance = {
  @description('Scale group: function:<name>, http, blob or durable.')
  name: string

  @description('Instances kept ready (billed while idle).')
  @minValue(0)
  instanceCount: int
}
