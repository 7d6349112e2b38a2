/**
 * Reading a response body without trusting its size: a list or an error
 * answer is read chunk by chunk and given up as soon as it passes the cap,
 * so a hostile or broken server cannot make the client buffer more than that.
 */
import type { Readable } from 'node:stream';

/** Far above the largest real page (a SCIM page of 10,000 users is a few MiB), far below what hurts the heap. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** `bytes`: what the server declared in Content-Length, or what had arrived when reading stopped. */
export type BodyRead = { ok: true; text: string } | { ok: false; bytes: number; declared: boolean };

/**
 * Reads `body` as UTF-8 text, at most `maxBytes` of it. A declared
 * Content-Length over the cap is refused before reading. When it is not `ok` the
 * caller must abort the request: only that frees the socket.
 */
export async function readCappedBody(
  body: Readable & AsyncIterable<Buffer | string>,
  maxBytes: number,
  contentLength: string | string[] | undefined,
): Promise<BodyRead> {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, bytes: declared, declared: true };
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > maxBytes) return { ok: false, bytes, declared: false };
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks, bytes).toString('utf8') };
}

/** `33554432` -> `32 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
