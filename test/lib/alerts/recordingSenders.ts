import type {
  DeliveryOutcome,
  EmailSender,
  OutboundEmail,
  OutboundSms,
  SmsSender,
} from '../../../src/lib/alerts/notifier';
import type { Clock } from '../../../src/lib/ports/clock';

/** Senders that record what they were asked to send and answer from a script (default: accepted). */
export class RecordingSenders implements EmailSender, SmsSender {
  readonly emails: OutboundEmail[] = [];
  readonly sms: OutboundSms[] = [];
  /** Outcomes to answer next, per channel, in order; accepted when empty. */
  readonly script: { email: DeliveryOutcome[]; sms: DeliveryOutcome[] } = { email: [], sms: [] };

  sendEmail(email: OutboundEmail): Promise<DeliveryOutcome> {
    this.emails.push(email);
    return Promise.resolve(
      this.script.email.shift() ?? { kind: 'accepted', providerId: `email-${this.emails.length}` },
    );
  }

  sendSms(sms: OutboundSms): Promise<DeliveryOutcome> {
    this.sms.push(sms);
    return Promise.resolve(
      this.script.sms.shift() ?? { kind: 'accepted', providerId: `sms-${this.sms.length}` },
    );
  }
}

export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
