/**
 * The Kubernetes Lease API as the elector needs it: get, create and replace
 * one Lease over undici, every answer validated, conflicts as data (409 is
 * how the API server says another contender won), never the token in an
 * error.
 */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { LeaseConfig } from './leader.js';

/** Any failure of a Lease API call; `status` is 0 when no HTTP response arrived. Never contains the token. */
export class LeaseApiError extends Error {
  readonly code = 'LEASE_API_ERROR';
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'LeaseApiError';
  }
}

// Loose: the whole object is PUT back, so fields we do not know (labels,
// newer spec fields such as strategy) must survive the round trip.
const LeaseSpecSchema = z.looseObject({
  holderIdentity: z.string().nullish(),
  leaseDurationSeconds: z.number().int().nullish(),
  acquireTime: z.string().nullish(),
  renewTime: z.string().nullish(),
  leaseTransitions: z.number().int().nullish(),
});
const LeaseSchema = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string().min(1) }),
  spec: LeaseSpecSchema.optional(),
});
export type Lease = z.infer<typeof LeaseSchema>;
export type LeaseSpec = z.infer<typeof LeaseSpecSchema>;

const StatusSchema = z.looseObject({
  kind: z.literal('Status'),
  message: z.string().optional(),
  reason: z.string().optional(),
});

/** A Kubernetes MicroTime: RFC 3339 in UTC with six fractional digits. */
export function microTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  return new Date(whole).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}

export type Reply = { kind: 'found'; lease: Lease } | { kind: 'absent' } | { kind: 'conflict' };

export interface LeaseClient {
  get(signal?: AbortSignal): Promise<Reply>;
  create(spec: LeaseSpec, signal?: AbortSignal): Promise<Reply>;
  replace(lease: Lease, signal?: AbortSignal): Promise<Reply>;
}

export function leaseClient(config: LeaseConfig, dispatcher: Dispatcher, timeoutMs: number): LeaseClient {
  const namespace = encodeURIComponent(config.namespace);
  // Joined by hand: `new URL('/apis/…', base)` would drop a path prefix of apiServer.
  const collection = `${config.apiServer.replace(/\/+$/, '')}/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  const item = `${collection}/${encodeURIComponent(config.name)}`;
  const what = `lease ${config.namespace}/${config.name}`;

  async function send(method: 'GET' | 'POST' | 'PUT', url: string, body: unknown, signal?: AbortSignal): Promise<Reply> {
    let token: string;
    try {
      token = await config.token();
    } catch (error) {
      throw new LeaseApiError(`${method} ${what}: cannot read the bearer token: ${describe(error)}`, 0, undefined);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method,
        dispatcher,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new LeaseApiError(`${method} ${what}: ${describe(error)}`, 0, undefined);
    }
    const json = parseJson(text);
    if (status === 404) return { kind: 'absent' };
    if (status === 409) return { kind: 'conflict' };
    if (status < 200 || status >= 300) {
      const problem = StatusSchema.safeParse(json);
      const reason = problem.success ? problem.data.reason : undefined;
      const message = problem.success ? (problem.data.message ?? '') : text.slice(0, 200);
      throw new LeaseApiError(`${method} ${what}: HTTP ${status}${reason ? ` ${reason}` : ''}: ${message}`, status, reason);
    }
    const lease = LeaseSchema.safeParse(json);
    if (!lease.success) {
      throw new LeaseApiError(`${method} ${what}: unexpected response: ${z.prettifyError(lease.error)}`, status, undefined);
    }
    return { kind: 'found', lease: lease.data };
  }

  return {
    get: (signal) => send('GET', item, undefined, signal),
    create: (spec, signal) =>
      send(
        'POST',
        collection,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: config.name, namespace: config.namespace },
          spec,
        },
        signal,
      ),
    replace: (lease, signal) => send('PUT', item, lease, signal),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
