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
  // axios (twilio's HTTP client) when its timeout expires.
  'ECONNABORTED',
]);

export function isRetriable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as { statusCode?: unknown; code?: unknown; name?: unknown; cause?: unknown };
  const status = statusOf(error);
  if (status !== undefined && retriableStatus.has(status)) return true;
  if (typeof e.code === 'string' && retriableCodes.has(e.code)) return true;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return e.cause !== undefined && e.cause !== error ? isRetriable(e.cause) : false;
}

/**
 * The HTTP status of a failed request: `statusCode` (Azure SDK RestError) or `status` (Twilio's
 * RestException, ClickPulse's own REST errors); undefined when there was no response.
 */
export function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { statusCode?: unknown; status?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  return typeof e.status === 'number' ? e.status : undefined;
}

// Failures where the request never reached the provider: nothing can have been sent.
const neverConnectedCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed send was certainly not accepted by the provider, so that sending it again cannot
 * deliver a second message: 429 (the provider refused it for rate) or a connection that never opened.
 * A timeout, a reset connection or a 5xx may come after the provider accepted the message, so they are
 * not: a message whose fate is unknown is never sent again (ACS Email and Twilio have no idempotency key
 * that spans application retries).
 */
export function wasNotAccepted(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  if (statusOf(error) === 429) return true;
  const e = error as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && neverConnectedCodes.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== error ? wasNotAccepted(e.cause) : false;
}

/**
 * A Retry-After header value as a delay in ms: delta-seconds or an HTTP-date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable; never negative.
 * @param nowMs - the current time, epoch ms, for an HTTP-date
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/**
 * The Retry-After of a failed request, in ms, from the places the SDKs keep response headers
 * (`response.headers.get` of an Azure RestError, a `retryAfterInMs` property, a plain `headers` record).
 */
export function retryAfterOf(error: unknown, nowMs: number): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as {
    retryAfterInMs?: unknown;
    response?: { headers?: { get?: (name: string) => string | undefined | null } };
    headers?: unknown;
  };
  if (typeof e.retryAfterInMs === 'number' && e.retryAfterInMs >= 0) return e.retryAfterInMs;
  const fromResponse = e.response?.headers?.get?.('retry-after');
  if (fromResponse) return parseRetryAfter(fromResponse, nowMs);
  if (e.headers !== null && typeof e.headers === 'object') {
    const h = e.headers as Record<string, unknown>;
    const v = h['retry-after'] ?? h['Retry-After'];
    if (typeof v === 'string') return parseRetryAfter(v, nowMs);
  }
  return undefined;
}
