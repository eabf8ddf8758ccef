import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { DeliveryOutcome, OutboundSms, SmsSender } from '../../alerts/notifier';
import { realSleep, retryWithBackoff, type Sleep } from '../../outputs/retryWithBackoff';
import { parseRetryAfter, statusOf, wasNotAccepted } from '../isRetriable';

/** Twilio's REST origin; the Messages resource is POST /2010-04-01/Accounts/{sid}/Messages.json. */
export const twilioApiOrigin = 'https://api.twilio.com';

export interface TwilioClientOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** Sends every request to this origin instead of api.twilio.com (tests: a local fake). */
  readonly apiBaseUrl?: string;
  /** Per request, in ms. Default 30000. */
  readonly timeoutInMs?: number;
}

/**
 * twilio's own RequestClient (axios), with the request's origin replaced when `apiBaseUrl` is set: the
 * SDK builds https://api.twilio.com/... URLs and has no base-URL option, but accepts an httpClient.
 */
class RebasingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL | undefined,
    timeoutInMs: number,
  ) {
    // autoRetry off: the sender decides what may be retried.
    super({ timeout: timeoutInMs, autoRetry: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    if (!this.base || !opts.uri) return super.request<TData>(opts);
    const uri = new URL(opts.uri);
    const rebased = new URL(uri.pathname + uri.search, this.base);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

/** A twilio client without automatic retries, optionally pointed at another origin. */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const timeout = options.timeoutInMs ?? 30_000;
  return twilio(options.accountSid, options.authToken, {
    autoRetry: false,
    timeout,
    httpClient: new RebasingRequestClient(
      options.apiBaseUrl ? new URL(options.apiBaseUrl) : undefined,
      timeout,
    ),
  });
}

export interface TwilioSmsSenderOptions {
  readonly client: twilio.Twilio;
  /** The sending number (E.164) or a Messaging Service SID (MG...). */
  readonly from: string;
  /** Attempts for a message Twilio refused for rate (429) or could not be reached. Default 4. */
  readonly maxAttempts?: number;
  /** Seconds Twilio may queue the message before giving up on it. Default 600. */
  readonly validityPeriodInSeconds?: number;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * SMS through Twilio (`messages.create`). Twilio's Messages API has no idempotency key, so a request
 * that may have reached Twilio (timeout, reset, 5xx) is never repeated; only 429 (Retry-After honoured)
 * and connections that never opened are.
 */
export class TwilioSmsSender implements SmsSender {
  private readonly o: TwilioSmsSenderOptions;

  constructor(options: TwilioSmsSenderOptions) {
    this.o = options;
  }

  async sendSms(sms: OutboundSms): Promise<DeliveryOutcome> {
    const o = this.o;
    const now = o.now ?? Date.now;
    const fromField = o.from.startsWith('MG') ? { messagingServiceSid: o.from } : { from: o.from };
    try {
      const message = await retryWithBackoff(
        () =>
          o.client.messages.create({
            to: sms.to,
            body: sms.body,
            validityPeriod: o.validityPeriodInSeconds ?? 600,
            ...fromField,
          }),
        {
          maxAttempts: o.maxAttempts ?? 4,
          shouldRetry: wasNotAccepted,
          retryAfterInMs: () => {
            // RestException keeps no headers; the request client keeps the last response's (sends are sequential).
            const last = (o.client.httpClient as { lastResponse?: { headers?: Record<string, unknown> } })
              .lastResponse;
            const value = last?.headers?.['retry-after'];
            return typeof value === 'string' ? parseRetryAfter(value, now()) : undefined;
          },
          initialDelayInMs: 1000,
          sleep: o.sleep ?? realSleep,
        },
      );
      return { kind: 'accepted', providerId: message.sid };
    } catch (error) {
      const status = statusOf(error);
      const code = (error as { code?: unknown }).code;
      const detail = `${messageOf(error)}${typeof code === 'number' ? ` (Twilio error ${code})` : ''}`;
      if (wasNotAccepted(error))
        return { kind: 'notAccepted', retryable: true, detail: `Twilio did not take the SMS: ${detail}` };
      if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
        return {
          kind: 'notAccepted',
          retryable: false,
          detail: `Twilio refused the SMS (${status}): ${detail}`,
        };
      }
      return { kind: 'unknown', detail: `Twilio send outcome unknown: ${detail}` };
    }
  }
}
