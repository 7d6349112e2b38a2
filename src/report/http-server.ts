/**
 * The controller's HTTP server (behaviour.md, Interfaces): `/metrics` for
 * Prometheus, `/healthz` (the process serves and its loop is not wedged:
 * liveness must not depend on Databricks, but a pass that cannot even be
 * aborted needs a restart), `/readyz` (a valid revision is loaded and the API answered),
 * `/` the status page (one page per customer under `/customers/`) and
 * `/status.json` the same as data. Nothing here
 * may carry a secret: the status holds names, ids, counts and located errors.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { customerPage, statusPage } from './status-page.js';
import type { ControllerStatus } from './status.js';

export type { ControllerStatus } from './status.js';

export interface ControllerHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** 0: any free port (tests). */
  port: number;
  host?: string;
  metrics: Metrics;
  status: () => ControllerStatus;
  logger: Logger;
}

export async function startControllerHttpServer(options: HttpServerOptions): Promise<ControllerHttpServer> {
  const server = createServer((request, response) => {
    const started = performance.now();
    response.once('finish', () => {
      options.logger.debug(
        { method: request.method, path: pathOf(request), status: response.statusCode, ms: Math.round(performance.now() - started) },
        'HTTP request',
      );
    });
    handle(request, response, options).catch((error: unknown) => {
      options.logger.error({ err: error instanceof Error ? error.message : String(error), path: pathOf(request) }, 'HTTP handler failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.end();
    });
  });
  // A scrape or probe that hangs must not pin a connection forever.
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  // All interfaces by default: kubelet probes and Prometheus reach the pod from outside.
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections (a scraper's) would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: HttpServerOptions): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, TEXT, 'method not allowed\n');
  }
  const path = pathOf(request);
  if (path.startsWith(CUSTOMER_PAGES)) return serveCustomerPage(response, options, path.slice(CUSTOMER_PAGES.length));
  switch (path) {
    case '/metrics':
      return send(response, 200, options.metrics.registry.contentType, await options.metrics.registry.metrics());
    case '/healthz': {
      const wedged = wedgedLoop(options);
      if (wedged) return send(response, 503, TEXT, `unhealthy since ${wedged.since.toISOString()}: ${wedged.reason}\n`);
      return send(response, 200, TEXT, 'ok\n');
    }
    case '/readyz': {
      const status = options.status();
      if (status.ready) return send(response, 200, TEXT, 'ready\n');
      return send(response, 503, TEXT, `not ready: ${notReadyReason(status)}\n`);
    }
    case '/':
      return sendPage(response, 200, statusPage(options.status(), new Date()));
    case '/status.json':
      return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(options.status(), null, 2) + '\n');
    default:
      return send(response, 404, TEXT, 'not found\n');
  }
}

const TEXT = 'text/plain; charset=utf-8';
const CUSTOMER_PAGES = '/customers/';

function serveCustomerPage(response: ServerResponse, options: HttpServerOptions, encodedName: string): void {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return send(response, 400, TEXT, 'bad customer name\n');
  }
  const page = customerPage(options.status(), name, new Date());
  if (page === undefined) return send(response, 404, TEXT, 'no such customer\n');
  return sendPage(response, 200, page);
}

function sendPage(response: ServerResponse, status: number, html: string): void {
  // No scripts, no external assets: the page needs nothing but its own inline style.
  response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  send(response, status, 'text/html; charset=utf-8', html);
}

/** Only a wedged loop fails liveness: a status that cannot be read is the status page's 500, not a reason to restart. */
function wedgedLoop(options: HttpServerOptions): ControllerStatus['wedged'] {
  try {
    return options.status().wedged;
  } catch {
    return undefined;
  }
}

function notReadyReason(status: ControllerStatus): string {
  if (status.revision) return 'Databricks not reached yet';
  return status.rejected ? `no valid revision loaded yet (revision ${status.rejected.id} was rejected)` : 'no valid revision loaded yet';
}

/** The path without the query; not `new URL()`, which throws on `//` and reads `//host/x` as a host. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
