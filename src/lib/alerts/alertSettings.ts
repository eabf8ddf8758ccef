import { parseQuietHours, validateAlertPolicy, type AlertPolicy } from './alertPolicy';

type Environment = Readonly<Record<string, string | undefined>>;

/** How to reach ACS Email: a connection string, or the endpoint and a managed identity. */
export type AcsEmailSetting =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly endpoint: string; readonly clientId: string | undefined };

/** Alerting settings; every one optional. Without ACS or Twilio settings, that channel goes to the outbox. */
export interface AlertSettings {
  /** CLICKPULSE_ALERT_TABLE (default clickpulsealerts): claims, cooldowns, records. */
  readonly tableName: string;
  /** CLICKPULSE_OUTBOX_CONTAINER (default clickpulse-outbox): messages of unconfigured channels. */
  readonly outboxContainer: string;
  /**
   * ACS_CONNECTION_STRING, or ACS_ENDPOINT (https://<acs>.communication.azure.com) with a managed
   * identity (ACS_CLIENT_ID for a user-assigned one); with ACS_SENDER_ADDRESS. Undefined: outbox.
   */
  readonly email: { readonly connection: AcsEmailSetting; readonly senderAddress: string } | undefined;
  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER (E.164 or MG... service). Undefined: outbox. */
  readonly sms:
    | {
        readonly accountSid: string;
        readonly authToken: string;
        readonly from: string;
        /** TWILIO_API_BASE_URL: another origin for the Twilio API (a test double). */
        readonly apiBaseUrl: string | undefined;
      }
    | undefined;
  /** ALERT_EMAIL_RECIPIENTS: comma-separated addresses (at most 50). */
  readonly emailRecipients: readonly string[];
  /** TWILIO_ONCALL_NUMBERS: comma-separated E.164 numbers that get the escalation SMS. */
  readonly onCallNumbers: readonly string[];
  /**
   * ALERT_COOLDOWN_SECONDS (default 900), ALERT_RATE_CAP_PER_MINUTE (default 10), ALERT_QUIET_HOURS
   * ('HH:mm-HH:mm', default none) in ALERT_QUIET_HOURS_TIME_ZONE (default UTC),
   * ALERT_ESCALATION_TIMEOUT_SECONDS (default 900).
   */
  readonly policy: AlertPolicy;
  /** ALERT_ACK_BASE_URL: the app's public origin for ack links (https://<app>.azurewebsites.net). */
  readonly ackBaseUrl: string | undefined;
  /** ALERT_ACK_FUNCTION_KEY: a function key of ackAlert, put in ack links as ?code=. Keep it in Key Vault. */
  readonly ackFunctionKey: string | undefined;
}

const tableName = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
const containerName = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const e164 = /^\+[1-9]\d{6,14}$/;
const email = /^[^@\s,]+@[^@\s,]+$/;

function integer(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name}: expected an integer in ${min}..${max}, received ${JSON.stringify(raw)}`);
    return fallback;
  }
  return Number(raw);
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Parses the alerting settings, adding a message to `problems` for each invalid one. */
export function parseAlertSettings(env: Environment, problems: string[]): AlertSettings {
  const table = env.CLICKPULSE_ALERT_TABLE || 'clickpulsealerts';
  if (!tableName.test(table)) {
    problems.push(
      `CLICKPULSE_ALERT_TABLE: expected a table name (letter, then 2..62 letters or digits), received ${JSON.stringify(table)}`,
    );
  }
  const outbox = env.CLICKPULSE_OUTBOX_CONTAINER || 'clickpulse-outbox';
  if (!containerName.test(outbox)) {
    problems.push(
      `CLICKPULSE_OUTBOX_CONTAINER: expected a container name (3..63 lower-case letters, digits, single hyphens), received ${JSON.stringify(outbox)}`,
    );
  }
  const emailRecipients = list(env.ALERT_EMAIL_RECIPIENTS);
  const badRecipients = emailRecipients.filter((r) => !email.test(r));
  if (badRecipients.length > 0 || emailRecipients.length > 50) {
    problems.push(
      `ALERT_EMAIL_RECIPIENTS: expected at most 50 comma-separated email addresses, received ${JSON.stringify(env.ALERT_EMAIL_RECIPIENTS)}`,
    );
  }
  const onCallNumbers = list(env.TWILIO_ONCALL_NUMBERS);
  if (onCallNumbers.some((n) => !e164.test(n))) {
    problems.push(
      `TWILIO_ONCALL_NUMBERS: expected comma-separated E.164 numbers (+15550100...), received ${JSON.stringify(env.TWILIO_ONCALL_NUMBERS)}`,
    );
  }

  let emailSetting: AlertSettings['email'];
  const acsCs = env.ACS_CONNECTION_STRING;
  const acsEndpoint = env.ACS_ENDPOINT;
  const sender = env.ACS_SENDER_ADDRESS;
  if (acsCs || acsEndpoint || sender) {
    if (acsEndpoint && !/^https:\/\/[^\s/]+/.test(acsEndpoint)) {
      problems.push(
        `ACS_ENDPOINT: expected https://<resource>.communication.azure.com, received ${JSON.stringify(acsEndpoint)}`,
      );
    }
    if (!acsCs && !acsEndpoint) {
      problems.push(
        'ACS_CONNECTION_STRING: expected a connection string, or ACS_ENDPOINT for a managed identity, received none',
      );
    }
    if (!sender || !email.test(sender)) {
      problems.push(
        `ACS_SENDER_ADDRESS: expected the sender address (DoNotReply@<domain>), received ${JSON.stringify(sender ?? null)}`,
      );
    }
    if (emailRecipients.length === 0) {
      problems.push(
        'ALERT_EMAIL_RECIPIENTS: expected at least one address when ACS email is configured, received none',
      );
    }
    emailSetting = {
      connection: acsCs
        ? { kind: 'connectionString', connectionString: acsCs }
        : { kind: 'identity', endpoint: acsEndpoint ?? '', clientId: env.ACS_CLIENT_ID || undefined },
      senderAddress: sender ?? '',
    };
  }

  let smsSetting: AlertSettings['sms'];
  const sid = env.TWILIO_ACCOUNT_SID;
  const token = env.TWILIO_AUTH_TOKEN;
  const from = env.TWILIO_FROM_NUMBER;
  if (sid || token || from) {
    if (!sid || !/^AC[0-9a-fA-F]{32}$/.test(sid)) {
      problems.push(
        `TWILIO_ACCOUNT_SID: expected AC followed by 32 hex digits, received ${JSON.stringify(sid ?? null)}`,
      );
    }
    if (!token) problems.push('TWILIO_AUTH_TOKEN: expected the auth token, received none');
    if (!from || !(e164.test(from) || /^MG[0-9a-fA-F]{32}$/.test(from))) {
      problems.push(
        `TWILIO_FROM_NUMBER: expected an E.164 number or a Messaging Service SID (MG...), received ${JSON.stringify(from ?? null)}`,
      );
    }
    if (onCallNumbers.length === 0) {
      problems.push(
        'TWILIO_ONCALL_NUMBERS: expected at least one number when Twilio is configured, received none',
      );
    }
    const base = env.TWILIO_API_BASE_URL;
    if (base && !/^https?:\/\/[^\s/]+/.test(base)) {
      problems.push(`TWILIO_API_BASE_URL: expected an http(s) origin, received ${JSON.stringify(base)}`);
    }
    smsSetting = {
      accountSid: sid ?? '',
      authToken: token ?? '',
      from: from ?? '',
      apiBaseUrl: base || undefined,
    };
  }

  let quietHours: AlertPolicy['quietHours'];
  if (env.ALERT_QUIET_HOURS) {
    try {
      quietHours = parseQuietHours(env.ALERT_QUIET_HOURS, env.ALERT_QUIET_HOURS_TIME_ZONE || 'UTC');
    } catch (error) {
      problems.push(`ALERT_QUIET_HOURS: ${(error as Error).message}`);
    }
  }
  const policy = validateAlertPolicy({
    cooldownInMs: integer(env, 'ALERT_COOLDOWN_SECONDS', 900, 0, 7 * 86_400, problems) * 1000,
    rateCapPerMinute: integer(env, 'ALERT_RATE_CAP_PER_MINUTE', 10, 1, 10_000, problems),
    quietHours,
    escalationTimeoutInMs:
      integer(env, 'ALERT_ESCALATION_TIMEOUT_SECONDS', 900, 0, 7 * 86_400, problems) * 1000,
  });
  const ackBaseUrl = env.ALERT_ACK_BASE_URL?.replace(/\/+$/, '') || undefined;
  if (ackBaseUrl && !/^https?:\/\/[^\s/]+$/.test(ackBaseUrl)) {
    problems.push(
      `ALERT_ACK_BASE_URL: expected an origin such as https://<app>.azurewebsites.net, received ${JSON.stringify(env.ALERT_ACK_BASE_URL)}`,
    );
  }
  return {
    tableName: table,
    outboxContainer: outbox,
    email: emailSetting,
    sms: smsSetting,
    emailRecipients,
    onCallNumbers,
    policy,
    ackBaseUrl,
    ackFunctionKey: env.ALERT_ACK_FUNCTION_KEY || undefined,
  };
}

/** The acknowledgement link of an alert, when a public base URL is configured. */
export function ackUrlOf(
  settings: Pick<AlertSettings, 'ackBaseUrl' | 'ackFunctionKey'>,
  alertKey: string,
): string | undefined {
  if (!settings.ackBaseUrl) return undefined;
  const code = settings.ackFunctionKey ? `?code=${encodeURIComponent(settings.ackFunctionKey)}` : '';
  return `${settings.ackBaseUrl}/api/alerts/${alertKey}/ack${code}`;
}
