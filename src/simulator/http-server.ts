/**
 * Serves msw request handlers over a real HTTP server, so that clients built
 * on undici.request (which msw cannot intercept) exercise their real
 * connection pool, keep-alive, timeouts and dropped connections.
 *
 * A handler answering `HttpResponse.error()` makes the server destroy the
 * socket without a response: that is how a dropped connection is modelled.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { getResponse, type RequestHandler } from 'msw';

export interface MswHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Prepends handlers, like msw's `server.use()`. */
  use(...handlers: RequestHandler[]): void;
  /** Drops the handlers added with `use()`. */
  resetHandlers(): void;
  close(): Promise<void>;
}

export async function startMswHttpServer(
  initialHandlers: RequestHandler[],
  options: { port?: number; host?: string } = {},
): Promise<MswHttpServer> {
  let handlers = [...initialHandlers];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void respond(req, res, handlers);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    use: (...extra) => {
      handlers = [...extra, ...handlers];
    },
    resetHandlers: () => {
      handlers = [...initialHandlers];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function respond(req: IncomingMessage, res: ServerResponse, handlers: RequestHandler[]): Promise<void> {
  try {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(new URL(req.url ?? '/', origin), {
      method: req.method ?? 'GET',
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
    const mocked = await getResponse(handlers, request, { baseUrl: origin });
    if (!mocked) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method} ${req.url}'` }));
      return;
    }
    if (mocked.type === 'error') {
      // A network error: close the connection without answering.
      req.socket.destroy();
      return;
    }
    res.statusCode = mocked.status;
    mocked.headers.forEach((value, key) => res.appendHeader(key, value));
    if (mocked.body) Readable.fromWeb(mocked.body as NodeReadableStream).pipe(res);
    else res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error_code: 'INTERNAL_ERROR', message: String(error) }));
  }
}
