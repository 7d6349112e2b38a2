/**
 * An HTTP server on loopback that misbehaves the ways a broken proxy or a
 * hostile endpoint does: it trickles, never finishes, never answers, or
 * sends far more than any real answer. Every path gets the same treatment,
 * so a whole command can be pointed at it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Hostility =
  /** Headers at once, then one byte of the body every `trickleEveryMs`, for ever. */
  | 'trickle'
  /** A steady stream of small chunks that never ends (never idle long enough for an idle timeout). */
  | 'endless'
  /** Reads the request and never sends a byte back. */
  | 'silent'
  /** Streams a body of `hugeBytes` (default 1 GiB), chunked, with backpressure. */
  | 'huge'
  /** The same, with the size declared in Content-Length. */
  | 'huge-declared'
  /** Not hostile, only slow: answers `{}` after `slowMs` (the contrast case). */
  | 'slow';

export interface HostileServerOptions {
  trickleEveryMs?: number;
  slowMs?: number;
  hugeBytes?: number;
}

export interface HostileServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, for an allowed-hosts list. */
  readonly host: string;
  /** Requests received so far. */
  readonly requests: number;
  /** `METHOD path` of each request, in order. */
  readonly requestLines: readonly string[];
  /** Body bytes handed to the socket so far (all requests). */
  readonly bytesSent: number;
  close(): Promise<void>;
}

const ONE_GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function startHostileServer(hostility: Hostility, options: HostileServerOptions = {}): Promise<HostileServer> {
  const requestLines: string[] = [];
  let bytesSent = 0;
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, res: ServerResponse, chunk: Buffer) => {
    const timer = setInterval(() => {
      if (res.destroyed) return stop();
      res.write(chunk, () => (bytesSent += chunk.length));
    }, ms);
    const stop = () => {
      clearInterval(timer);
      timers.delete(timer);
    };
    timers.add(timer);
    res.on('close', stop);
  };
  const stream = async (res: ServerResponse, total: number) => {
    let sent = 0;
    while (sent < total && !res.destroyed) {
      const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, total - sent));
      sent += chunk.length;
      const flushed = res.write(chunk, (error) => {
        if (!error) bytesSent += chunk.length;
      });
      if (!flushed) await drainedOrClosed(res);
    }
    if (!res.destroyed) res.end();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requestLines.push(`${req.method} ${req.url}`);
    req.resume();
    switch (hostility) {
      case 'silent':
        return;
      case 'trickle':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        return every(options.trickleEveryMs ?? 200, res, Buffer.from(' '));
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/json' });
        return every(20, res, Buffer.alloc(4096, ' '));
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), options.slowMs ?? 300);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'huge':
      case 'huge-declared': {
        const total = options.hugeBytes ?? ONE_GIB;
        res.writeHead(200, { 'content-type': 'application/json', ...(hostility === 'huge-declared' ? { 'content-length': String(total) } : {}) });
        void stream(res, total);
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get requests() {
      return requestLines.length;
    },
    requestLines,
    get bytesSent() {
      return bytesSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
