/**
 * A listener on its own loopback port that records every request it gets
 * (with its Authorization header) and forwards it to a target, e.g. the
 * simulator: a stand-in for a host named in the desired state, to see
 * whether credentials reach it.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface ProxiedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RecordingProxy {
  url: string;
  port: number;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    requests.push({ method: incoming.method ?? '', path: incoming.url ?? '', authorization: incoming.headers.authorization });
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      request(new URL(incoming.url ?? '/', target), {
        method: (incoming.method ?? 'GET') as 'GET',
        headers: forwardable(incoming.headers),
        body: body.length > 0 ? body : null,
      })
        .then(async (answer) => {
          const text = await answer.body.text();
          outgoing.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
          outgoing.end(text);
        })
        .catch(() => {
          outgoing.writeHead(502);
          outgoing.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
