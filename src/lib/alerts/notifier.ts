/** An email to send. `idempotencyKey` names it deterministically (outbox blob name, ACS operation id). */
export interface OutboundEmail {
  readonly idempotencyKey: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One SMS to one number (E.164). */
export interface OutboundSms {
  readonly idempotencyKey: string;
  readonly to: string;
  readonly body: string;
}

/**
 * What became of a send:
 * - accepted: the provider took the message (not yet delivered: delivery is asynchronous)
 * - notAccepted: the provider certainly did not take it; `retryable` when it was throttled or
 *   unreachable (so a later attempt may succeed and cannot duplicate), false when it refused it for good
 * - unknown: it may or may not have been taken (timeout, reset, 5xx): never sent again
 */
export type DeliveryOutcome =
  | { readonly kind: 'accepted'; readonly providerId: string }
  | { readonly kind: 'notAccepted'; readonly retryable: boolean; readonly detail: string }
  | { readonly kind: 'unknown'; readonly detail: string };

export interface EmailSender {
  sendEmail(email: OutboundEmail): Promise<DeliveryOutcome>;
}

export interface SmsSender {
  sendSms(sms: OutboundSms): Promise<DeliveryOutcome>;
}
