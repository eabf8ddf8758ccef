import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeResponse, type RecordedRequest } from './fakeHttpServer';

/** A message the fake accepted (form fields of POST .../Messages.json). */
export interface AcceptedSms {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly validityPeriod: string | null;
}

/**
 * Twilio's Messages resource: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded (To,
 * From or MessagingServiceSid, Body), HTTP Basic auth (account SID and auth token). 201 with the Message
 * JSON (sid SM..., status queued); errors as {code, message, more_info, status}, e.g. 21211 for an
 * invalid To.
 */
export class TwilioFake {
  readonly accepted: AcceptedSms[] = [];

  private constructor(
    readonly server: FakeHttpServer,
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  static async start(
    accountSid = `AC${'0'.repeat(31)}1`,
    authToken = 'fake-auth-token',
  ): Promise<TwilioFake> {
    const ref: { fake?: TwilioFake } = {};
    const server = await FakeHttpServer.start((r) => ref.fake!.route(r));
    ref.fake = new TwilioFake(server, accountSid, authToken);
    return ref.fake;
  }

  get messageRequests(): RecordedRequest[] {
    return this.server.matching('POST', /\/Messages\.json$/);
  }

  private error(status: number, code: number, message: string): FakeResponse {
    return {
      status,
      body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    };
  }

  private route(r: RecordedRequest): FakeResponse {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (r.headers.authorization !== expected) return this.error(401, 20003, 'Authenticate');
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(r.path);
    if (r.method !== 'POST' || !m) return this.error(404, 20404, 'The requested resource was not found');
    if (m[1] !== this.accountSid) return this.error(404, 20404, 'The requested resource was not found');
    if (!String(r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return this.error(400, 21620, 'Invalid content type');
    }
    const form = new URLSearchParams(r.body);
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
    const body = form.get('Body') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to))
      return this.error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from)
      return this.error(
        400,
        21603,
        "A 'From' or 'MessagingServiceSid' parameter is required to send a message",
      );
    if (!body) return this.error(400, 21602, 'Message body is required.');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    this.accepted.push({ sid, to, from, body, validityPeriod: form.get('ValidityPeriod') });
    const now = new Date().toUTCString();
    return {
      status: 201,
      body: {
        sid,
        account_sid: this.accountSid,
        to,
        from,
        body,
        status: 'queued',
        num_segments: String(Math.ceil(body.length / 160)),
        direction: 'outbound-api',
        date_created: now,
        date_updated: now,
        date_sent: null,
        price: null,
        error_code: null,
        error_message: null,
        api_version: '2010-04-01',
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      },
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
