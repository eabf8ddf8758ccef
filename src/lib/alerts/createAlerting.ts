import { DefaultAzureCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import { AcsEmailSender, createAcsEmailClient } from '../adapters/email/acsEmailSender';
import { BlobOutboxNotifier } from '../adapters/email/blobOutboxNotifier';
import { createTwilioClient, TwilioSmsSender } from '../adapters/sms/twilioSmsSender';
import type { StorageConnection, OpenStorageOptions } from '../adapters/storage/openStorage';
import { openAlertTable, TableAlertStore } from '../adapters/tables/tableAlertStore';
import type { Clock } from '../ports/clock';
import type { AlertStore } from './alertRecord';
import { AlertService, outboxEscalationStarter, type AlertLog, type EscalationStarter } from './alertService';
import { ackUrlOf, type AlertSettings } from './alertSettings';
import { escalationNames } from './escalationOrchestrator';
import { LocalEscalationRunner } from './localEscalationRunner';
import type { EmailSender, SmsSender } from './notifier';

/** Who runs escalations: Durable Functions (the Functions host) or this process (npm start, tests). */
export type EscalationMode = 'durable' | 'inProcess';

export interface CreateAlertingOptions {
  readonly settings: AlertSettings;
  readonly connection: StorageConnection;
  /** The outbox container (created here when absent). */
  readonly outbox: ContainerClient;
  readonly clock: Clock;
  readonly escalation: EscalationMode;
  /** Terminal lines for outbox messages (npm start). */
  readonly write?: (line: string) => void;
  readonly log?: AlertLog;
  readonly retryOptions?: OpenStorageOptions['retryOptions'];
  /** Overrides (tests): the store and the senders. */
  readonly store?: AlertStore;
  readonly email?: EmailSender;
  readonly sms?: SmsSender;
}

/** The alerting a ClickPulse app runs with. */
export interface Alerting {
  readonly service: AlertService;
  readonly store: AlertStore;
  /** The in-process escalation runner (mode inProcess); undefined under Durable Functions. */
  readonly runner: LocalEscalationRunner | undefined;
  /** Which channel goes where, for the startup banner. */
  readonly routes: { readonly email: string; readonly sms: string };
}

/**
 * Builds the alert service from settings: ACS Email when ACS is configured, Twilio SMS when Twilio is,
 * the Blob outbox (and a terminal line) for any channel that is not; alert state in its own table;
 * escalations through the Durable outbox, or in process.
 */
export async function createAlerting(options: CreateAlertingOptions): Promise<Alerting> {
  const { settings, clock } = options;
  const store =
    options.store ??
    new TableAlertStore({
      client: await openAlertTable(options.connection, settings.tableName, options.retryOptions),
    });
  await options.outbox.createIfNotExists();
  const outbox = new BlobOutboxNotifier({
    container: options.outbox,
    now: () => clock.now(),
    ...(options.write ? { write: options.write } : {}),
  });
  let email: EmailSender = outbox;
  let emailRoute = `outbox container ${settings.outboxContainer}`;
  if (options.email) {
    email = options.email;
    emailRoute = 'injected';
  } else if (settings.email) {
    const c = settings.email.connection;
    const client = createAcsEmailClient(
      c.kind === 'connectionString'
        ? c
        : {
            kind: 'identity',
            endpoint: c.endpoint,
            credential: new DefaultAzureCredential(c.clientId ? { managedIdentityClientId: c.clientId } : {}),
          },
    );
    email = new AcsEmailSender({ client, senderAddress: settings.email.senderAddress });
    emailRoute = `ACS Email from ${settings.email.senderAddress} to ${settings.emailRecipients.length} recipient(s)`;
  }
  let sms: SmsSender = outbox;
  let smsRoute = `outbox container ${settings.outboxContainer}`;
  if (options.sms) {
    sms = options.sms;
    smsRoute = 'injected';
  } else if (settings.sms) {
    const s = settings.sms;
    const client = createTwilioClient({
      accountSid: s.accountSid,
      authToken: s.authToken,
      ...(s.apiBaseUrl ? { apiBaseUrl: s.apiBaseUrl } : {}),
    });
    sms = new TwilioSmsSender({ client, from: s.from });
    smsRoute = `Twilio from ${s.from} to ${settings.onCallNumbers.length} on-call number(s)`;
  }
  let runner: LocalEscalationRunner | undefined;
  let escalations: EscalationStarter;
  // The runner's activities close over the service, built just below.
  const late: { service?: AlertService } = {};
  if (options.escalation === 'inProcess') {
    runner = new LocalEscalationRunner({
      clock,
      activities: () => ({
        [escalationNames.emailActivity]: (input) => late.service!.escalationEmail(input),
        [escalationNames.smsActivity]: (input) => late.service!.escalationSms(input),
      }),
      onEnd: (alertKey, result) =>
        result instanceof Error
          ? options.log?.('alert.escalationFailed', { alertKey, error: result.message })
          : late.service!.escalationEnded(result),
    });
    escalations = runner;
  } else {
    escalations = outboxEscalationStarter(store);
  }
  const service = new AlertService({
    store,
    email,
    sms,
    escalations,
    clock,
    policy: settings.policy,
    emailRecipients: settings.emailRecipients,
    // The outbox shows an escalation SMS even when no on-call number is configured.
    onCallNumbers: settings.onCallNumbers.length > 0 || sms !== outbox ? settings.onCallNumbers : ['on-call'],
    ackUrl: (alertKey) => ackUrlOf(settings, alertKey),
    ...(options.log ? { log: options.log } : {}),
  });
  late.service = service;
  return { service, store, runner, routes: { email: emailRoute, sms: smsRoute } };
}
