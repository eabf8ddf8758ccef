import type { DeadLetter } from '../engine/inputMessage';

/** Keeps messages the engine could not use. Writes must be idempotent (keyed by partition and sequence). */
export interface DeadLetterStore {
  write(deadLetters: readonly DeadLetter[]): Promise<void>;
}
