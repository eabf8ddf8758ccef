import { parseAppSettings, type AppSettings } from './appSettings';

let cached: AppSettings | undefined;

/**
 * The app settings, read from process.env and validated on first call (never at import time, so that
 * importing a function file cannot fail); later calls return the same object.
 */
export function loadAppSettings(): AppSettings {
  cached ??= parseAppSettings(process.env);
  return cached;
}

/** Forgets the cached settings (tests and the local runtime change the environment). */
export function resetAppSettings(): void {
  cached = undefined;
}
