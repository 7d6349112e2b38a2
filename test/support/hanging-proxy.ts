/**
 * A hostile Databricks: an HTTP server in front of the simulator that, while
 * `mode` says so, never finishes its responses, the way a wedged load
 * balancer or a half-dead service does. `trickle` sends the headers and then
 * a byte of body every 200 ms forever (no idle timeout fires); `silent`
 * accepts the request and never answers at all. `false` forwards to the
 * simulator.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export type HangMode = 'trickle' | 'silent' | false;

export interface HangingProxy {
  url: string;
  /** `host:port`, for ONBOARDER_ALLOWED_HOSTS. */
  host: string;
  mode: HangMode;
  /** Requests it left hanging so far. */
  hung: number;
  close(): Promise<void>;
}

/** Hop-by-hop and length headers are the proxy's own business on each side. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startHangingProxy(target: string, mode: HangMode): Promise<HangingProxy> {
  const trickles = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    if (proxy.mode === 'trickle') {
      proxy.hung++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const trickle = setInterval(() => res.write(' '), 200);
      trickles.add(trickle);
      res.once('close', () => {
        clearInterval(trickle);
        trickles.delete(trickle);
      });
      return;
    }
    if (proxy.mode === 'silent') {
      proxy.hung++;
      return;
    }
    forward(req, target).then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(body);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: HangingProxy = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    mode,
    hung: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const trickle of trickles) clearInterval(trickle);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return proxy;
}

async function forward(req: IncomingMessage, target: string): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name, value]) => !NOT_FORWARDED.has(name) && value !== undefined)) as Record<string, string | string[]>;
  const upstream = await request(`${target}${req.url ?? '/'}`, {
    method: req.method as 'GET',
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : null,
  });
  const body = Buffer.from(await upstream.body.arrayBuffer());
  const answer = Object.fromEntries(Object.entries(upstream.headers).filter(([name, value]) => !NOT_FORWARDED.has(name) && value !== undefined)) as Record<string, string | string[]>;
  return { status: upstream.statusCode, headers: answer, body };
}
