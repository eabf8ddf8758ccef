import { readFile } from 'node:fs/promises';
import { compileJob, type CompiledJob } from '../engine/compileJob';
import { defaultJob, type JobDefinition } from '../engine/job';

/** The job the app runs: a JSON job definition file, or the seed job. Fails with the file's name. */
export async function loadJob(jobFile: string | undefined): Promise<CompiledJob> {
  if (!jobFile) return compileJob(defaultJob);
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
