import { randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeResponse, type RecordedRequest } from './fakeHttpServer';

/** A message the fake accepted: the request body of POST /emails:send. */
export interface AcceptedEmail {
  readonly operationId: string;
  readonly senderAddress: string;
  readonly to: string[];
  readonly subject: string;
  readonly plainText: string;
  readonly html: string;
  readonly headers: Record<string, string>;
}

interface EmailBody {
  senderAddress?: string;
  content?: { subject?: string; plainText?: string; html?: string };
  recipients?: { to?: { address?: string }[] };
  headers?: Record<string, string>;
}

/**
 * ACS Email's REST API as @azure/communication-email 1.1 uses it (api-version 2025-09-01):
 * POST {endpoint}/emails:send with an Operation-Id header answers 202, Operation-Location
 * ({endpoint}/emails/operations/{id}?api-version=...) and {id, status: 'Running'}; GET of that location
 * answers {id, status} (Running on the first poll, then `finalStatus`). Requests must be signed
 * (HMAC-SHA256 from a connection string, or a bearer token).
 */
export class AcsEmailFake {
  readonly accepted: AcceptedEmail[] = [];
  /** The final status operations reach. */
  finalStatus: 'Succeeded' | 'Failed' = 'Succeeded';
  private readonly polls = new Map<string, number>();

  private constructor(readonly server: FakeHttpServer) {}

  static async start(): Promise<AcsEmailFake> {
    const ref: { fake?: AcsEmailFake } = {};
    const server = await FakeHttpServer.start((r) => ref.fake!.route(r));
    ref.fake = new AcsEmailFake(server);
    return ref.fake;
  }

  /** A connection string for EmailClient pointing at the fake. */
  get connectionString(): string {
    return `endpoint=${this.server.origin}/;accesskey=${Buffer.from('fake-acs-key').toString('base64')}`;
  }

  /** POST /emails:send requests, faults included. */
  get sendRequests(): RecordedRequest[] {
    return this.server.matching('POST', /^\/emails:send$/);
  }

  private route(r: RecordedRequest): FakeResponse {
    const auth = r.headers.authorization ?? '';
    if (!/^(HMAC-SHA256 |Bearer )/.test(auth)) {
      return {
        status: 401,
        body: { error: { code: 'Unauthorized', message: 'missing or unsupported authorization' } },
      };
    }
    if (!r.query.get('api-version')) {
      return {
        status: 400,
        body: { error: { code: 'MissingApiVersionParameter', message: 'api-version required' } },
      };
    }
    if (r.method === 'POST' && r.path === '/emails:send') return this.send(r);
    const op = /^\/emails\/operations\/([^/]+)$/.exec(r.path);
    if (r.method === 'GET' && op) {
      const id = op[1]!;
      if (!this.accepted.some((m) => m.operationId === id)) {
        return { status: 404, body: { error: { code: 'NotFound', message: `operation ${id}` } } };
      }
      const n = (this.polls.get(id) ?? 0) + 1;
      this.polls.set(id, n);
      if (n === 1) return { status: 200, body: { id, status: 'Running' } };
      return {
        status: 200,
        body:
          this.finalStatus === 'Succeeded'
            ? { id, status: 'Succeeded' }
            : {
                id,
                status: 'Failed',
                error: { code: 'EmailDroppedAllRecipientsSuppressed', message: 'all recipients suppressed' },
              },
      };
    }
    return { status: 404, body: { error: { code: 'NotFound', message: `${r.method} ${r.path}` } } };
  }

  private send(r: RecordedRequest): FakeResponse {
    let body: EmailBody;
    try {
      body = JSON.parse(r.body) as EmailBody;
    } catch {
      return { status: 400, body: { error: { code: 'BadRequest', message: 'invalid JSON' } } };
    }
    const to = (body.recipients?.to ?? []).map((t) => t.address ?? '');
    if (
      !body.senderAddress ||
      !body.content?.subject ||
      to.length === 0 ||
      to.some((a) => !a.includes('@'))
    ) {
      return {
        status: 400,
        body: {
          error: {
            code: 'BadRequest',
            message: 'senderAddress, content.subject and recipients.to are required',
          },
        },
      };
    }
    if (!body.content.plainText && !body.content.html) {
      return {
        status: 400,
        body: { error: { code: 'BadRequest', message: 'plainText or html is required' } },
      };
    }
    const operationId = String(r.headers['operation-id'] ?? randomUUID());
    this.accepted.push({
      operationId,
      senderAddress: body.senderAddress,
      to,
      subject: body.content.subject,
      plainText: body.content.plainText ?? '',
      html: body.content.html ?? '',
      headers: body.headers ?? {},
    });
    const apiVersion = r.query.get('api-version') ?? '';
    return {
      status: 202,
      headers: {
        'operation-location': `${this.server.origin}/emails/operations/${operationId}?api-version=${apiVersion}`,
      },
      body: { id: operationId, status: 'Running' },
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
