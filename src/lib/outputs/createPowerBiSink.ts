import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { PowerBiRestClient } from '../adapters/powerbi/powerBiRestClient';
import type { OutputSink } from '../ports/outputSink';
import { powerBiSink, type PowerBiSinkEvent } from './powerBiSink';
import type { PowerBiSettings } from './powerBiSettings';

export interface CreatePowerBiSinkOptions {
  readonly settings: PowerBiSettings;
  /** The job's outputs: the pushed one defaults to the first. */
  readonly outputs: readonly string[];
  /** Default: managed identity in Azure, the developer's sign-in locally (DefaultAzureCredential). */
  readonly credential?: TokenCredential;
  readonly onEvent?: (event: PowerBiSinkEvent) => void;
}

/** The Power BI push sink from settings; throws TypeError when the configured output is not the job's. */
export function createPowerBiSink(options: CreatePowerBiSinkOptions): OutputSink {
  const { settings } = options;
  const output = settings.output ?? options.outputs[0];
  if (output === undefined || !options.outputs.includes(output)) {
    throw new TypeError(
      `POWERBI_OUTPUT: expected one of the job's outputs (${options.outputs.join(', ')}), received ${JSON.stringify(output ?? null)}`,
    );
  }
  const credential =
    options.credential ??
    new DefaultAzureCredential(settings.clientId ? { managedIdentityClientId: settings.clientId } : {});
  return powerBiSink({
    api: new PowerBiRestClient({
      workspaceId: settings.workspaceId,
      credential,
      baseUrl: settings.apiBaseUrl,
    }),
    targets: [{ output, dataset: settings.dataset, table: settings.table ?? output }],
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}
