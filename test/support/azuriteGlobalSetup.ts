/**
 * Vitest globalSetup: starts one embedded, in-memory Azurite for the whole test run and provides its
 * connection string to tests (read it with `azuriteConnectionString()` from `test/support/azurite`).
 *
 * Set CLICKPULSE_AZURITE_LOG=1 to echo Azurite's output to stderr.
 */
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };

import { startEmbeddedAzurite } from '../../src/lib/adapters/azurite/embeddedAzurite';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the run-wide embedded Azurite (devstoreaccount1, http endpoints). */
    azuriteConnectionString: string;
  }
}

/** Starts Azurite, provides `azuriteConnectionString`, and returns the teardown that stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const echo = process.env['CLICKPULSE_AZURITE_LOG'] === '1';
  const azurite = await startEmbeddedAzurite(echo ? { log: (line) => console.error(line) } : {});
  project.provide('azuriteConnectionString', azurite.connectionString);
  return async () => {
    await azurite.stop();
  };
}
