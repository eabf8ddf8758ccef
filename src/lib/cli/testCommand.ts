import { parseArgs } from 'node:util';
import { QueryLoadError } from '../asaql/compileQueryFile';
import { JobConfigError } from '../replay/readJobConfig';
import { TestConfigError } from '../replay/readTestConfig';
import { runTestConfig } from '../replay/runTestConfig';
import { formatTestCaseResult, formatTestRunSummary } from './formatTestRun';
import { UsageError } from './parseReplayArgs';

export const testUsage = `Usage: clickpulse test TEST_CONFIG [options]

Runs the test cases of an Azure Stream Analytics CI/CD testConfig.json (azure-streamanalytics-cicd
format: Script, TestCases with Inputs per alias and ExpectedOutputs per alias) on the production engine,
and compares each required output with its expected rows (line-delimited JSON, or a JSON array) as
multisets, datetimes compared as instants. Paths are relative to the config file. A record's
EventEnqueuedUtcTime, when present, is its arrival time.

  --storage CONNECTION_STRING   job state storage (default: an embedded in-memory Azurite)
  --job-config FILE             ASA JobConfig.json for the event-ordering policy
                                (default: JobConfig.json beside the script, if there is one)
  --output-path DIR             write each case's actual outputs and testResultSummary.json there

Exit codes: 0 every case passed, 1 a case failed, 2 a usage, configuration or query error.
`;

/** Where the test command writes: results to `out`, errors to `err`. */
export interface TestCommandOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** `clickpulse test`: prints each case's result as it finishes, then a summary; returns the exit code. */
export async function testCommand(argv: readonly string[], output: TestCommandOutput): Promise<number> {
  const write = output.out;
  if (argv.includes('--help') || argv.includes('-h')) {
    write(testUsage);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        storage: { type: 'string' },
        'job-config': { type: 'string' },
        'output-path': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      `expected one testConfig.json path, received ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  }
  try {
    const summary = await runTestConfig({
      configPath: positionals[0]!,
      ...(values.storage !== undefined ? { storageConnectionString: values.storage } : {}),
      ...(values['job-config'] !== undefined ? { jobConfigPath: values['job-config'] } : {}),
      ...(values['output-path'] !== undefined ? { outputPath: values['output-path'] } : {}),
      onCaseResult: (r) => write(formatTestCaseResult(r) + '\n'),
    });
    write('\n' + formatTestRunSummary(summary) + '\n');
    return summary.failed === 0 ? 0 : 1;
  } catch (error) {
    if (
      error instanceof QueryLoadError ||
      error instanceof TestConfigError ||
      error instanceof JobConfigError
    ) {
      output.err(`clickpulse test: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
