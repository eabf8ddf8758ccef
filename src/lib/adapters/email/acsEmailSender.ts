import { EmailClient, type EmailMessage } from '@azure/communication-email';
import type { TokenCredential } from '@azure/identity';
import { createHash } from 'node:crypto';
import type { DeliveryOutcome, EmailSender, OutboundEmail } from '../../alerts/notifier';
import { realSleep, retryWithBackoff, type Sleep } from '../../outputs/retryWithBackoff';
import { retryAfterOf, statusOf, wasNotAccepted } from '../isRetriable';

/** How to reach Azure Communication Services. */
export type AcsConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly endpoint: string; readonly credential: TokenCredential };

/**
 * An EmailClient whose pipeline never retries: the SDK's default policy retries 5xx and timeouts, which
 * can send an email twice. {@link AcsEmailSender} retries only what ACS certainly did not accept.
 */
export function createAcsEmailClient(connection: AcsConnection): EmailClient {
  // A plain-http endpoint is only ever a local test double; Azure endpoints are https.
  const endpoint = connection.kind === 'connectionString' ? connection.connectionString : connection.endpoint;
  const options = {
    retryOptions: { maxRetries: 0 },
    allowInsecureConnection: /(^|endpoint=)http:\/\//i.test(endpoint),
  };
  return connection.kind === 'connectionString'
    ? new EmailClient(connection.connectionString, options)
    : new EmailClient(connection.endpoint, connection.credential, options);
}

/** A UUID (version 5 layout) derived from a key, so that a message's ACS operation id is deterministic. */
export function operationIdOf(key: string): string {
  const h = createHash('sha256').update(key, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface AcsEmailSenderOptions {
  readonly client: EmailClient;
  /** DoNotReply@<verified domain>. */
  readonly senderAddress: string;
  /** Attempts for a send ACS refused for rate (429) or could not be reached. Default 4. */
  readonly maxAttempts?: number;
  /** Per HTTP request, in ms. Default 30000. */
  readonly requestTimeoutInMs?: number;
  /** How long to poll for the final status after ACS accepted the email, in ms. Default 30000. */
  readonly pollTimeoutInMs?: number;
  /** Poll interval, in ms. Default 1000. */
  readonly pollIntervalInMs?: number;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Email through ACS (`EmailClient.beginSend`): POST /emails:send (202 and Operation-Location means
 * accepted), then the operation's status. A send is retried only when ACS answered 429 (honouring
 * Retry-After) or could not be reached; once ACS accepted it, a failing status poll does not resend.
 */
export class AcsEmailSender implements EmailSender {
  private readonly o: AcsEmailSenderOptions;

  constructor(options: AcsEmailSenderOptions) {
    if (!/^[^@\s]+@[^@\s]+$/.test(options.senderAddress)) {
      throw new TypeError(
        `senderAddress: expected an email address, received ${JSON.stringify(options.senderAddress)}`,
      );
    }
    this.o = options;
  }

  async sendEmail(email: OutboundEmail): Promise<DeliveryOutcome> {
    const o = this.o;
    const now = o.now ?? Date.now;
    const operationId = operationIdOf(email.idempotencyKey);
    const message: EmailMessage = {
      senderAddress: o.senderAddress,
      content: { subject: email.subject, plainText: email.text, html: email.html },
      recipients: { to: email.to.map((address) => ({ address })) },
      headers: { 'x-clickpulse-key': email.idempotencyKey },
      disableUserEngagementTracking: true,
    };
    let accepted = false;
    const onResponse = (raw: { status: number; request: { method: string } }): void => {
      if (raw.request.method === 'POST' && raw.status >= 200 && raw.status < 300) accepted = true;
    };
    let poller: Awaited<ReturnType<EmailClient['beginSend']>>;
    try {
      poller = await retryWithBackoff(
        () =>
          o.client.beginSend(message, {
            operationId,
            onResponse,
            updateIntervalInMs: o.pollIntervalInMs ?? 1000,
            requestOptions: { timeout: o.requestTimeoutInMs ?? 30_000 },
          }),
        {
          maxAttempts: o.maxAttempts ?? 4,
          shouldRetry: (error) => !accepted && wasNotAccepted(error),
          retryAfterInMs: (error) => retryAfterOf(error, now()),
          initialDelayInMs: 1000,
          sleep: o.sleep ?? realSleep,
        },
      );
    } catch (error) {
      if (accepted) return { kind: 'accepted', providerId: operationId };
      return classify(error);
    }
    try {
      const result = await poller.pollUntilDone({
        abortSignal: AbortSignal.timeout(o.pollTimeoutInMs ?? 30_000),
      });
      if (result.status === 'Succeeded') return { kind: 'accepted', providerId: result.id || operationId };
      return {
        kind: 'notAccepted',
        retryable: false,
        detail: `ACS operation ${result.id} ended ${result.status}: ${result.error?.message ?? 'no detail'}`,
      };
    } catch (error) {
      // core-lro throws for an operation that ended Failed: ACS took the email but will not send it.
      if (poller.getOperationState().status === 'failed') {
        return {
          kind: 'notAccepted',
          retryable: false,
          detail: `ACS operation ${operationId} failed: ${messageOf(error)}`,
        };
      }
      // Accepted; only its final status is unknown. Delivery reports come through Event Grid.
      return { kind: 'accepted', providerId: operationId };
    }
  }
}

function classify(error: unknown): DeliveryOutcome {
  const status = statusOf(error);
  if (wasNotAccepted(error)) {
    return {
      kind: 'notAccepted',
      retryable: true,
      detail: `ACS did not take the email: ${messageOf(error)}`,
    };
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return {
      kind: 'notAccepted',
      retryable: false,
      detail: `ACS refused the email (${status}): ${messageOf(error)}`,
    };
  }
  return { kind: 'unknown', detail: `ACS send outcome unknown: ${messageOf(error)}` };
}
