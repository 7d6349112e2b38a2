/**
 * The controller's HTTP server (behaviour.md, Interfaces): `/metrics` for
 * Prometheus, `/healthz` (the process serves: liveness must not depend on
 * Databricks), `/readyz` (a valid revision is loaded and the API answered),
 * `/` the status page and `/status.json` the same as data.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PlanSummary } from '../domain/plan.js';
import type { Metrics } from './metrics.js';
import { statusPage } from './status-page.js';

export interface ControllerStatus {
  /** A valid revision is loaded and the Databricks API has answered (an observe succeeded). */
  ready: boolean;
  leader: boolean;
  /** The revision in force (the last good one). */
  revision: { id: string; loadedAt: Date } | null;
  /** The last rejected revision, with its located errors. */
  rejected: { id: string; at: Date; errors: string[] } | null;
  lastReconcile: {
    id: string;
    startedAt: Date;
    finishedAt: Date;
    result: 'success' | 'error' | 'rejected';
    summary: PlanSummary;
    failed: number;
    error?: string;
  } | null;
  /** The pending actions of the last plan. */
  drift: { customer: string; kind: string; change: string; target: string }[];
  nextResyncAt: Date | null;
}

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
    handle(request, response, options).catch((error: unknown) => {
      options.logger.error({ err: error instanceof Error ? error.message : String(error), path: request.url }, 'HTTP handler failed');
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error\n');
      else response.end();
    });
  });
  // A scrape or probe that hangs must not pin a connection forever.
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  options.logger.debug({ method: request.method, path }, 'HTTP request');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'text/plain', 'method not allowed\n');
  }
  switch (path) {
    case '/metrics':
      return send(response, 200, options.metrics.registry.contentType, await options.metrics.registry.metrics());
    case '/healthz':
      return send(response, 200, 'text/plain', 'ok\n');
    case '/readyz': {
      const status = options.status();
      if (status.ready) return send(response, 200, 'text/plain', 'ready\n');
      const reason = status.revision ? 'Databricks not reached yet' : 'no valid revision loaded yet';
      return send(response, 503, 'text/plain', `not ready: ${reason}\n`);
    }
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', statusPage(options.status()));
    case '/status.json':
      return send(response, 200, 'application/json', JSON.stringify(options.status(), null, 2) + '\n');
    default:
      return send(response, 404, 'text/plain', 'not found\n');
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
