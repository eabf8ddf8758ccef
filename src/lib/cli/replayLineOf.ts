import type { SimulatedMessage } from '../clickstream/simulator';

/**
 * One JSON Lines record for `clickpulse replay`: the message body with `EventEnqueuedUtcTime` (ISO-8601 UTC,
 * milliseconds) added last, so that the replay takes the simulated enqueue time as the arrival time. A body
 * that is not a JSON object (a deliberately broken one) is kept exactly as it is, on one line.
 */
export function replayLineOf(message: SimulatedMessage): string {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return message.body;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return message.body;
  }
  return JSON.stringify({ ...body, EventEnqueuedUtcTime: new Date(message.enqueuedTimeInMs).toISOString() });
}
