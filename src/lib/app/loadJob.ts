import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { compileQueryFile } from '../asaql/compileQueryFile';
import { compileJob, type CompiledJob } from '../engine/compileJob';
import { defaultJob, type JobDefinition } from '../engine/job';
import { readJobConfig } from '../replay/readJobConfig';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * A relative job path is read from the working directory, or else from the app's root (the folder
 * holding package.json above this module), which is where a deployed app ships jobs/.
 */
async function resolveJobPath(path: string): Promise<string> {
  if (isAbsolute(path) || (await exists(path))) return path;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (await exists(join(dir, 'package.json'))) return join(dir, path);
  }
  return path;
}

/**
 * The job the app runs: an ASA query file (.asaql, compiled with the clickstream contract on its input,
 * and the event-ordering policy of a JobConfig.json beside it when there is one), a JSON job definition,
 * or the seed job. Compiled and validated at startup: a bad query fails start with file:line:column.
 */
export async function loadJob(jobFile: string | undefined): Promise<CompiledJob> {
  if (!jobFile) return compileJob(defaultJob);
  return loadJobFile(await resolveJobPath(jobFile));
}

async function loadJobFile(jobFile: string): Promise<CompiledJob> {
  if (jobFile.toLowerCase().endsWith('.asaql')) {
    const config = join(dirname(jobFile), 'JobConfig.json');
    const eventOrdering = (await exists(config)) ? await readJobConfig(config) : undefined;
    return compileJob(
      await compileQueryFile(jobFile, {
        contract: 'clickstream',
        ...(eventOrdering ? { eventOrdering } : {}),
      }),
    );
  }
  let text: string;
  try {
    text = await readFile(jobFile, 'utf8');
  } catch (error) {
    throw new RangeError(
      `CLICKPULSE_JOB_FILE: cannot read ${jobFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
  let definition: JobDefinition;
  try {
    definition = JSON.parse(text) as JobDefinition;
  } catch (error) {
    throw new RangeError(`CLICKPULSE_JOB_FILE: ${jobFile} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return compileJob(definition);
}
