/** The engine's only source of "now", in epoch milliseconds; injected so that the core stays pure. */
export interface Clock {
  now(): number;
}
