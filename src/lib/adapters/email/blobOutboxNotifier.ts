import type { ContainerClient } from '@azure/storage-blob';
import type {
  DeliveryOutcome,
  EmailSender,
  OutboundEmail,
  OutboundSms,
  SmsSender,
} from '../../alerts/notifier';
import { encodeKeyComponent } from '../tables/encodeKeyComponent';

export interface BlobOutboxNotifierOptions {
  /** The outbox container (created by the caller). */
  readonly container: ContainerClient;
  /** One terminal line per message; undefined writes none. */
  readonly write?: (line: string) => void;
  readonly now: () => number;
}

/** One message in the outbox, as stored (JSON). */
export interface OutboxEntry {
  readonly channel: 'email' | 'sms';
  readonly idempotencyKey: string;
  readonly to: readonly string[];
  readonly subject?: string;
  readonly text: string;
  readonly html?: string;
  readonly at: string;
}

/**
 * Alerts that go nowhere but a Blob container: used for any channel whose provider is not configured
 * (always under npm start unless ACS and Twilio settings are present). Blob names are the messages'
 * idempotency keys ({channel}/{key}.json), so writing a message again overwrites it.
 */
export class BlobOutboxNotifier implements EmailSender, SmsSender {
  constructor(private readonly options: BlobOutboxNotifierOptions) {}

  /** The blob name of a message. */
  static blobName(channel: 'email' | 'sms', idempotencyKey: string): string {
    return `${channel}/${encodeKeyComponent(idempotencyKey)}.json`;
  }

  private async put(entry: OutboxEntry): Promise<DeliveryOutcome> {
    const name = BlobOutboxNotifier.blobName(entry.channel, entry.idempotencyKey);
    const body = JSON.stringify(entry, null, 2);
    await this.options.container
      .getBlockBlobClient(name)
      .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    return { kind: 'accepted', providerId: `outbox:${name}` };
  }

  async sendEmail(email: OutboundEmail): Promise<DeliveryOutcome> {
    const at = new Date(this.options.now()).toISOString();
    const outcome = await this.put({
      channel: 'email',
      idempotencyKey: email.idempotencyKey,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      at,
    });
    this.options.write?.(
      `[alert outbox] email to ${email.to.join(', ') || '(no recipients)'}: ${email.subject}`,
    );
    return outcome;
  }

  async sendSms(sms: OutboundSms): Promise<DeliveryOutcome> {
    const at = new Date(this.options.now()).toISOString();
    const outcome = await this.put({
      channel: 'sms',
      idempotencyKey: sms.idempotencyKey,
      to: [sms.to],
      text: sms.body,
      at,
    });
    this.options.write?.(`[alert outbox] SMS to ${sms.to}: ${sms.body}`);
    return outcome;
  }
}
