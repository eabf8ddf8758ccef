/**
 * Test helpers for the run-wide embedded Azurite started by `test/support/azuriteGlobalSetup.ts`.
 *
 * Note: `@azure/data-tables` clients built from this connection string need
 * `{ allowInsecureConnection: true }`, because its endpoints are plain http.
 */
import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

const PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9]*$/;
/** Longest accepted prefix, in characters; leaves room for the random part and the counter within 63. */
export const MAX_UNIQUE_NAME_PREFIX_LENGTH = 40;

let counter = 0;

/** Connection string of the run-wide embedded Azurite; throws if the globalSetup did not provide it. */
export function azuriteConnectionString(): string {
  const connectionString: unknown = inject('azuriteConnectionString');
  if (typeof connectionString !== 'string' || connectionString.length === 0) {
    throw new Error(
      'Expected the vitest globalSetup test/support/azuriteGlobalSetup.ts to provide a non-empty ' +
        `azuriteConnectionString, received ${JSON.stringify(connectionString)}`,
    );
  }
  return connectionString;
}

/**
 * A name unique per call that is valid both as an Azure table name and as a blob container name:
 * lower-case letters and digits only, starts with a letter, 3 to 63 characters.
 * Shape: lower-cased `prefix`, 8 random hex characters, then a per-process counter in base 36.
 *
 * @param prefix - letters and digits, starting with a letter, at most 40 characters
 */
export function uniqueName(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix) || prefix.length > MAX_UNIQUE_NAME_PREFIX_LENGTH) {
    throw new Error(
      `Expected a prefix of 1 to ${MAX_UNIQUE_NAME_PREFIX_LENGTH} letters and digits starting with a letter, ` +
        `received ${JSON.stringify(prefix)}`,
    );
  }
  counter += 1;
  return `${prefix.toLowerCase()}${randomBytes(4).toString('hex')}${counter.toString(36)}`;
}
