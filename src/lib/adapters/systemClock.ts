import type { Clock } from '../ports/clock';

/** The wall clock, for the deployed app and the local runtime. */
export const systemClock: Clock = { now: () => Date.now() };
