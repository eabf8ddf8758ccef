import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioClient, TwilioSmsSender } from '../../../../src/lib/adapters/sms/twilioSmsSender';
import { TwilioFake } from '../../../support/fakeServers/twilioFake';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('TwilioSmsSender (the real twilio client against a local Messages API fake)', () => {
  let fake: TwilioFake;
  let sleeps: number[];
  const sender = (
    options: { baseUrl?: string; timeoutInMs?: number; maxAttempts?: number } = {},
  ): TwilioSmsSender =>
    new TwilioSmsSender({
      client: createTwilioClient({
        accountSid: fake.accountSid,
        authToken: fake.authToken,
        apiBaseUrl: options.baseUrl ?? fake.server.origin,
        ...(options.timeoutInMs ? { timeoutInMs: options.timeoutInMs } : {}),
      }),
      from: '+15550001111',
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

  beforeEach(async () => {
    fake = await TwilioFake.start();
    sleeps = [];
  });
  afterEach(() => fake.close());

  it('POSTs form-encoded To, From, Body with Basic auth to /2010-04-01/Accounts/{sid}/Messages.json', async () => {
    const outcome = await sender().sendSms({
      idempotencyKey: 'k-sms',
      to: '+15552223333',
      body: 'ClickPulse CRITICAL: x',
    });
    expect(outcome.kind).toBe('accepted');
    expect(fake.accepted).toHaveLength(1);
    expect(outcome).toEqual({ kind: 'accepted', providerId: fake.accepted[0]!.sid });
    expect(fake.accepted[0]).toMatchObject({
      to: '+15552223333',
      from: '+15550001111',
      body: 'ClickPulse CRITICAL: x',
      validityPeriod: '600',
    });
    const [request] = fake.messageRequests;
    expect(request!.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(request!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('retries a 429 (Twilio 20429) honouring Retry-After', async () => {
    fake.server.inject(() => true, {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3' },
      body: {
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      },
    });
    const outcome = await sender().sendSms({ idempotencyKey: 'k', to: '+15552223333', body: 'hi' });
    expect(outcome.kind).toBe('accepted');
    expect(sleeps).toEqual([3000]);
    expect(fake.messageRequests).toHaveLength(2);
    expect(fake.accepted).toHaveLength(1);
  });

  it('never repeats a request answered with 500: one request, outcome unknown', async () => {
    fake.server.inject(() => true, {
      kind: 'status',
      status: 500,
      body: { code: 20500, message: 'Internal Server Error', more_info: 'x', status: 500 },
    });
    const outcome = await sender().sendSms({ idempotencyKey: 'k', to: '+15552223333', body: 'hi' });
    expect(outcome.kind).toBe('unknown');
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('never repeats a request that timed out: one request, outcome unknown', async () => {
    fake.server.inject(() => true, { kind: 'hang' });
    const outcome = await sender({ timeoutInMs: 300 }).sendSms({
      idempotencyKey: 'k',
      to: '+15552223333',
      body: 'hi',
    });
    expect(outcome.kind).toBe('unknown');
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('never repeats a request whose connection was reset', async () => {
    fake.server.inject(() => true, { kind: 'reset' });
    const outcome = await sender().sendSms({ idempotencyKey: 'k', to: '+15552223333', body: 'hi' });
    expect(outcome.kind).toBe('unknown');
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('reports an invalid number (21211) as refused for good', async () => {
    const outcome = await sender().sendSms({ idempotencyKey: 'k', to: '12', body: 'hi' });
    expect(outcome).toMatchObject({ kind: 'notAccepted', retryable: false });
    expect(outcome.kind === 'notAccepted' && outcome.detail).toMatch(/21211/);
  });

  it('retries when the connection never opened, and reports not accepted (retryable) at the end', async () => {
    const outcome = await sender({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      maxAttempts: 3,
    }).sendSms({
      idempotencyKey: 'k',
      to: '+15552223333',
      body: 'hi',
    });
    expect(outcome).toMatchObject({ kind: 'notAccepted', retryable: true });
    expect(sleeps).toHaveLength(2);
  });
});
