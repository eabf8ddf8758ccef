type Environment = Readonly<Record<string, string | undefined>>;

/** Power BI push settings; undefined (off) unless POWERBI_WORKSPACE_ID is set and POWERBI_ENABLED is not false. */
export interface PowerBiSettings {
  /** POWERBI_WORKSPACE_ID: the workspace (group) GUID; not "My workspace". */
  readonly workspaceId: string;
  /** POWERBI_DATASET (default ClickPulse). */
  readonly dataset: string;
  /** POWERBI_OUTPUT: the job output pushed (default: the job's first output). */
  readonly output: string | undefined;
  /** POWERBI_TABLE (default: the output's name). */
  readonly table: string | undefined;
  /** POWERBI_API_URL (default https://api.powerbi.com). */
  readonly apiBaseUrl: string;
  /** POWERBI_CLIENT_ID: client id of a user-assigned managed identity; absent: DefaultAzureCredential. */
  readonly clientId: string | undefined;
}

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Parses the Power BI settings (POWERBI_ENABLED switches them off), adding a message per problem. */
export function parsePowerBiSettings(env: Environment, problems: string[]): PowerBiSettings | undefined {
  const enabled = env.POWERBI_ENABLED?.trim().toLowerCase();
  if (enabled !== undefined && enabled !== '' && enabled !== 'true' && enabled !== 'false') {
    problems.push(`POWERBI_ENABLED: expected true or false, received ${JSON.stringify(env.POWERBI_ENABLED)}`);
  }
  const workspaceId = env.POWERBI_WORKSPACE_ID;
  if (enabled === 'false' || (!workspaceId && enabled !== 'true')) return undefined;
  if (!workspaceId || !guid.test(workspaceId)) {
    problems.push(
      `POWERBI_WORKSPACE_ID: expected the workspace GUID, received ${JSON.stringify(workspaceId ?? null)}`,
    );
  }
  const dataset = env.POWERBI_DATASET || 'ClickPulse';
  if (dataset.length > 100)
    problems.push(`POWERBI_DATASET: expected at most 100 characters, received ${dataset.length}`);
  const apiBaseUrl = (env.POWERBI_API_URL || 'https://api.powerbi.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+$/.test(apiBaseUrl)) {
    problems.push(
      `POWERBI_API_URL: expected an origin such as https://api.powerbi.com, received ${JSON.stringify(env.POWERBI_API_URL)}`,
    );
  }
  return {
    workspaceId: workspaceId ?? '',
    dataset,
    output: env.POWERBI_OUTPUT || undefined,
    table: env.POWERBI_TABLE || undefined,
    apiBaseUrl,
    clientId: env.POWERBI_CLIENT_ID || undefined,
  };
}
