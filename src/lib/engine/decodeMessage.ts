import { validateClickEvent } from '../clickstream/validateClickEvent';
import type { CompiledInput } from './compileJob';
import type { DeadLetterReason } from './state/engineCounters';
import type { EventRecord } from './values';

export type DecodeResult =
  | {
      readonly ok: true;
      readonly record: EventRecord;
      /** The contract's eventTime, already parsed (epoch ms), when the input has the clickstream contract. */
      readonly contractEventTimeMs?: number;
    }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** The original bytes of a body, for the dead-letter store. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return utf8Encoder.encode(body);
  return utf8Encoder.encode(JSON.stringify(body) ?? String(body));
}

/**
 * Turns a message body into a record, or says why it cannot be one: too large, not JSON, not a JSON
 * object, or (for a contract input) not a valid clickstream event.
 */
export function decodeMessage(input: CompiledInput, body: unknown): DecodeResult {
  let value: unknown;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no exact count.
    const size =
      typeof body === 'string'
        ? body.length * 3 <= input.maxEventSizeInBytes
          ? 0
          : Buffer.byteLength(body, 'utf8')
        : body.byteLength;
    if (size > input.maxEventSizeInBytes) {
      return {
        ok: false,
        reason: 'tooLarge',
        detail: `size: expected at most ${input.maxEventSizeInBytes} bytes, received ${size}`,
      };
    }
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      return {
        ok: false,
        reason: 'notJson',
        detail: 'body: expected UTF-8 JSON text, received invalid UTF-8',
      };
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        reason: 'notJson',
        detail: `body: expected JSON, received text that fails to parse (${(error as Error).message})`,
      };
    }
  } else {
    // The Functions library parses JSON bodies itself; measure what it would have been.
    value = body;
    const size = Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
    if (size > input.maxEventSizeInBytes) {
      return {
        ok: false,
        reason: 'tooLarge',
        detail: `size: expected at most ${input.maxEventSizeInBytes} bytes, received ${size}`,
      };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, reason: 'notAnObject', detail: `body: expected a JSON object, received ${got}` };
  }
  if (input.contract === 'clickstream') {
    const result = validateClickEvent(value);
    if (!result.ok) return { ok: false, reason: 'contractViolation', detail: result.problems.join('; ') };
    return {
      ok: true,
      record: result.event as unknown as EventRecord,
      contractEventTimeMs: result.eventTimeMs,
    };
  }
  return { ok: true, record: value as EventRecord };
}
