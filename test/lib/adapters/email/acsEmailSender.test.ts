import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AcsEmailSender,
  createAcsEmailClient,
  operationIdOf,
} from '../../../../src/lib/adapters/email/acsEmailSender';
import type { OutboundEmail } from '../../../../src/lib/alerts/notifier';
import { AcsEmailFake } from '../../../support/fakeServers/acsEmailFake';

const email: OutboundEmail = {
  idempotencyKey: '0123456789abcdef0123456789abcdef-email',
  to: ['ops@example.com', 'oncall@example.com'],
  subject: '[ClickPulse warning] paymentVelocity for u1 (score 0.8)',
  text: 'plain body',
  html: '<p>html body</p>',
};

describe('AcsEmailSender (the real EmailClient against a local ACS Email fake)', () => {
  let fake: AcsEmailFake;
  let sleeps: number[];
  const sender = (overrides: Partial<ConstructorParameters<typeof AcsEmailSender>[0]> = {}): AcsEmailSender =>
    new AcsEmailSender({
      client: createAcsEmailClient({ kind: 'connectionString', connectionString: fake.connectionString }),
      senderAddress: 'DoNotReply@alerts.example.com',
      pollIntervalInMs: 5,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...overrides,
    });

  beforeEach(async () => {
    fake = await AcsEmailFake.start();
    sleeps = [];
  });
  afterEach(() => fake.close());

  it('sends POST /emails:send with the documented body, a deterministic Operation-Id and HMAC auth', async () => {
    const outcome = await sender().sendEmail(email);
    expect(outcome).toEqual({ kind: 'accepted', providerId: operationIdOf(email.idempotencyKey) });
    const [request] = fake.sendRequests;
    expect(request!.query.get('api-version')).toBe('2025-09-01');
    expect(request!.headers['operation-id']).toBe(operationIdOf(email.idempotencyKey));
    expect(request!.headers.authorization).toMatch(/^HMAC-SHA256 SignedHeaders=/);
    expect(fake.accepted).toEqual([
      {
        operationId: operationIdOf(email.idempotencyKey),
        senderAddress: 'DoNotReply@alerts.example.com',
        to: ['ops@example.com', 'oncall@example.com'],
        subject: email.subject,
        plainText: 'plain body',
        html: '<p>html body</p>',
        headers: { 'x-clickpulse-key': email.idempotencyKey },
      },
    ]);
    // The status was polled until it was final.
    expect(fake.server.matching('GET', /^\/emails\/operations\//).length).toBeGreaterThanOrEqual(2);
  });

  it('operation ids are UUIDs derived from the key', () => {
    expect(operationIdOf('a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(operationIdOf('a')).toBe(operationIdOf('a'));
    expect(operationIdOf('a')).not.toBe(operationIdOf('b'));
  });

  it('retries a 429 honouring Retry-After, then sends once', async () => {
    fake.server.inject((r) => r.path === '/emails:send', {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'TooManyRequests', message: 'rate limit' } },
    });
    const outcome = await sender().sendEmail(email);
    expect(outcome.kind).toBe('accepted');
    expect(sleeps).toEqual([7000]);
    expect(fake.sendRequests).toHaveLength(2);
    expect(fake.accepted).toHaveLength(1);
  });

  it('reports a 429 that persists as not accepted and retryable, after maxAttempts', async () => {
    const throttled = {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'x' } },
    } as const;
    fake.server.inject((r) => r.path === '/emails:send', throttled, throttled, throttled);
    const outcome = await sender({ maxAttempts: 3 }).sendEmail(email);
    expect(outcome).toMatchObject({ kind: 'notAccepted', retryable: true });
    expect(fake.sendRequests).toHaveLength(3);
    expect(fake.accepted).toHaveLength(0);
  });

  it('never repeats a send answered with 500 (ACS may have taken it): one request, outcome unknown', async () => {
    fake.server.inject((r) => r.path === '/emails:send', {
      kind: 'status',
      status: 500,
      body: { error: { code: 'InternalServerError', message: 'boom' } },
    });
    const outcome = await sender().sendEmail(email);
    expect(outcome.kind).toBe('unknown');
    expect(fake.sendRequests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a send that timed out: one request, outcome unknown', async () => {
    fake.server.inject((r) => r.path === '/emails:send', { kind: 'hang' });
    const outcome = await sender({ requestTimeoutInMs: 300 }).sendEmail(email);
    expect(outcome.kind).toBe('unknown');
    expect(fake.sendRequests).toHaveLength(1);
  });

  it('reports a 400 as refused for good, without retrying', async () => {
    const outcome = await sender().sendEmail({ ...email, to: ['not-an-address'] });
    expect(outcome).toMatchObject({ kind: 'notAccepted', retryable: false });
    expect(fake.sendRequests).toHaveLength(1);
  });

  it('treats an accepted email whose status poll fails as accepted (no second send)', async () => {
    fake.server.inject((r) => r.method === 'GET', {
      kind: 'status',
      status: 500,
      body: { error: { code: 'x', message: 'poll failed' } },
    });
    const outcome = await sender().sendEmail(email);
    expect(outcome).toEqual({ kind: 'accepted', providerId: operationIdOf(email.idempotencyKey) });
    expect(fake.sendRequests).toHaveLength(1);
  });

  it('reports an operation that ends Failed as not accepted, not retryable', async () => {
    fake.finalStatus = 'Failed';
    const outcome = await sender().sendEmail(email);
    expect(outcome).toMatchObject({ kind: 'notAccepted', retryable: false });
    expect(fake.sendRequests).toHaveLength(1);
  });
});
