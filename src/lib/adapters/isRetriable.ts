/**
 * The one place that decides whether a failure is transient infrastructure trouble (worth failing the
 * invocation so that the trigger's retry policy redelivers the batch) or a permanent error.
 */
const retriableStatus = new Set([408, 429, 500, 502, 503, 504]);
const retriableCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
  'ServerBusy',
  'OperationTimedOut',
  'InternalError',
]);

export function isRetriable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { statusCode?: unknown; code?: unknown; name?: unknown; cause?: unknown };
  if (typeof e.statusCode === 'number' && retriableStatus.has(e.statusCode)) return true;
  if (typeof e.code === 'string' && retriableCodes.has(e.code)) return true;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return e.cause !== undefined && e.cause !== error ? isRetriable(e.cause) : false;
}
