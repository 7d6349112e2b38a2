/**
 * An msw stand-in for the Kubernetes Lease API (coordination.k8s.io/v1):
 * one Lease in memory, written from the Kubernetes API conventions rather
 * than from our client. resourceVersion goes up on every write; a PUT with a
 * stale or missing resourceVersion is a 409 Conflict and a POST onto an
 * existing Lease a 409 AlreadyExists, both with a Status body; every request
 * needs one of the known bearer tokens (401 otherwise).
 *
 * Failure switches for tests: `down` answers 503 to everyone, `partitioned`
 * drops the connections of the listed tokens (one client cut off), `stall()`
 * holds every request until `resume()`, and `beforeWrite` runs before a write
 * is checked, so a test can line up racing writers.
 */
import { http, HttpResponse, type RequestHandler } from 'msw';
import { z } from 'zod';
import { startMswHttpServer, type MswHttpServer } from '../../src/simulator/http-server.js';

const GROUP = 'coordination.k8s.io';
const API_VERSION = `${GROUP}/v1`;

/** metav1.MicroTime as the API server prints it. */
const MicroTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, 'expected a MicroTime');

const LeaseSpec = z.strictObject({
  holderIdentity: z.string().nullish(),
  leaseDurationSeconds: z.number().int().positive().nullish(),
  acquireTime: MicroTime.nullish(),
  renewTime: MicroTime.nullish(),
  leaseTransitions: z.number().int().nonnegative().nullish(),
  preferredHolder: z.string().nullish(),
  strategy: z.string().nullish(),
});
export type LeaseSpec = z.infer<typeof LeaseSpec>;

const LeaseBody = z.looseObject({
  apiVersion: z.literal(API_VERSION).optional(),
  kind: z.literal('Lease').optional(),
  metadata: z.looseObject({
    name: z.string().optional(),
    namespace: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: LeaseSpec.optional(),
});

export interface StoredLease {
  apiVersion: string;
  kind: 'Lease';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: LeaseSpec;
}

/** One write the stand-in answered. */
export interface LeaseWrite {
  method: 'POST' | 'PUT';
  token: string;
  /** resourceVersion the writer sent (PUT). */
  basedOn: string | undefined;
  holderIdentity: string | null | undefined;
  status: number;
  /** Date.now() when answered. */
  at: number;
}

export interface KubeLeaseApiOptions {
  /** Accepted bearer tokens. */
  tokens: readonly string[];
  namespace?: string;
  name?: string;
}

export class KubeLeaseApi {
  readonly namespace: string;
  readonly name: string;
  readonly handlers: RequestHandler[];
  readonly tokens: Set<string>;
  lease: StoredLease | undefined;
  /** Answer 503 ServiceUnavailable to every request. */
  down = false;
  /** Tokens whose requests get their connection dropped. */
  readonly partitioned = new Set<string>();
  /** Runs before a write is checked against the stored Lease. */
  beforeWrite: (() => Promise<void> | void) | undefined;
  readonly writes: LeaseWrite[] = [];
  requests = 0;
  private revision = 0;
  private stalled: { promise: Promise<void>; resume: () => void } | undefined;

  constructor(options: KubeLeaseApiOptions) {
    this.namespace = options.namespace ?? 'onboarder';
    this.name = options.name ?? 'onboarder';
    this.tokens = new Set(options.tokens);
    const collection = '/apis/coordination.k8s.io/v1/namespaces/:namespace/leases';
    this.handlers = [
      http.get(`${collection}/:name`, ({ request, params }) =>
        this.guard(request, () => this.read(String(params.namespace), String(params.name))),
      ),
      http.put(`${collection}/:name`, ({ request, params }) =>
        this.guard(request, (token) => this.replace(request, token, String(params.namespace), String(params.name))),
      ),
      http.post(collection, ({ request, params }) =>
        this.guard(request, (token) => this.create(request, token, String(params.namespace))),
      ),
    ];
  }

  /** Stores a Lease directly, e.g. one held by a holder that has gone. */
  seed(spec: LeaseSpec): StoredLease {
    this.lease = {
      apiVersion: API_VERSION,
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        uid: 'seeded-lease',
        resourceVersion: this.nextRevision(),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      spec,
    };
    return this.lease;
  }

  /** Holds every request until resume(). */
  stall(): void {
    if (this.stalled) return;
    let resume!: () => void;
    const promise = new Promise<void>((resolve) => (resume = resolve));
    this.stalled = { promise, resume };
  }

  resume(): void {
    this.stalled?.resume();
    this.stalled = undefined;
  }

  private nextRevision(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private async guard(request: Request, answer: (token: string) => Promise<Response> | Response): Promise<Response> {
    this.requests += 1;
    if (this.stalled) await this.stalled.promise;
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (token !== undefined && this.partitioned.has(token)) return HttpResponse.error();
    if (this.down) return status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    if (token === undefined || !this.tokens.has(token)) return status(401, 'Unauthorized', 'Unauthorized');
    return answer(token);
  }

  private notFound(name: string): Response {
    return status(404, 'NotFound', `leases.${GROUP} "${name}" not found`, name);
  }

  private read(namespace: string, name: string): Response {
    if (!this.lease || namespace !== this.namespace || name !== this.name) return this.notFound(name);
    return HttpResponse.json(this.lease);
  }

  private async create(request: Request, token: string, namespace: string): Promise<Response> {
    const body = await parseBody(request);
    if (body instanceof Response) return body;
    const name = body.metadata.name ?? '';
    if (namespace !== this.namespace || name !== this.name) {
      return status(403, 'Forbidden', `this stand-in holds only lease ${this.namespace}/${this.name}`, name);
    }
    if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
      return status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    await this.beforeWrite?.();
    const record = (code: number): LeaseWrite => ({
      method: 'POST',
      token,
      basedOn: undefined,
      holderIdentity: body.spec?.holderIdentity,
      status: code,
      at: Date.now(),
    });
    if (this.lease) {
      this.writes.push(record(409));
      return status(409, 'AlreadyExists', `leases.${GROUP} "${name}" already exists`, name);
    }
    this.lease = {
      apiVersion: API_VERSION,
      kind: 'Lease',
      metadata: {
        ...pickLabels(body.metadata),
        name,
        namespace,
        uid: `lease-${this.revision + 1}`,
        resourceVersion: this.nextRevision(),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      spec: body.spec ?? {},
    };
    this.writes.push(record(201));
    return HttpResponse.json(this.lease, { status: 201 });
  }

  private async replace(request: Request, token: string, namespace: string, name: string): Promise<Response> {
    const body = await parseBody(request);
    if (body instanceof Response) return body;
    if ((body.metadata.name ?? name) !== name) {
      return status(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    }
    await this.beforeWrite?.();
    // Checked and written with no await in between: requests are serialised here.
    const basedOn = body.metadata.resourceVersion;
    const record = (code: number): LeaseWrite => ({
      method: 'PUT',
      token,
      basedOn,
      holderIdentity: body.spec?.holderIdentity,
      status: code,
      at: Date.now(),
    });
    const current = this.lease;
    if (!current || namespace !== this.namespace || name !== this.name) {
      this.writes.push(record(404));
      return this.notFound(name);
    }
    if (basedOn !== current.metadata.resourceVersion) {
      this.writes.push(record(409));
      return status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on leases.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        name,
      );
    }
    this.lease = {
      apiVersion: API_VERSION,
      kind: 'Lease',
      metadata: { ...current.metadata, ...pickLabels(body.metadata), resourceVersion: this.nextRevision() },
      spec: body.spec ?? {},
    };
    this.writes.push(record(200));
    return HttpResponse.json(this.lease);
  }
}

function pickLabels(metadata: z.infer<typeof LeaseBody>['metadata']): Pick<StoredLease['metadata'], 'labels' | 'annotations'> {
  return {
    ...(metadata.labels ? { labels: metadata.labels } : {}),
    ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
  };
}

async function parseBody(request: Request): Promise<z.infer<typeof LeaseBody> | Response> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
    return status(415, 'UnsupportedMediaType', 'the body must be application/json');
  }
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return status(400, 'BadRequest', 'the body is not JSON');
  }
  const parsed = LeaseBody.safeParse(json);
  if (!parsed.success) return status(422, 'Invalid', `Lease is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A metav1.Status failure. */
function status(code: number, reason: string, message: string, name?: string): Response {
  return HttpResponse.json(
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(name === undefined ? {} : { details: { name, group: GROUP, kind: 'leases' } }),
      code,
    },
    { status: code },
  );
}

/** The stand-in served over real HTTP, for clients built on undici.request. */
export async function startKubeLeaseServer(
  options: KubeLeaseApiOptions,
): Promise<{ api: KubeLeaseApi; server: MswHttpServer; url: string; close(): Promise<void> }> {
  const api = new KubeLeaseApi(options);
  const server = await startMswHttpServer(api.handlers);
  return {
    api,
    server,
    url: server.url,
    close: async () => {
      api.resume();
      await server.close();
    },
  };
}
