import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMakeFifos, mkfifo } from '../../test/support/fifo.js';
import { formatBytes, readRegularFile } from './regular-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'onboarder-regular-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const strict = { maxBytes: 16, followSymlinks: false };
const fifos = await canMakeFifos();

describe('readRegularFile', () => {
  it('reads a regular file up to and including its limit', async () => {
    const file = path.join(dir, 'exact.yaml');
    await writeFile(file, 'é'.repeat(8)); // 16 bytes of UTF-8
    expect(await readRegularFile(file, strict)).toEqual({ ok: true, content: Buffer.from('é'.repeat(8)), bytes: 16 });
  });

  it('refuses a file one byte over its limit', async () => {
    const file = path.join(dir, 'over.yaml');
    await writeFile(file, 'x'.repeat(17));
    expect(await readRegularFile(file, strict)).toEqual({ ok: false, reason: 'too-large', message: 'is larger than 16 bytes (the limit per file)' });
  });

  it('reads no more than the limit: a sparse 1 TiB file is refused, not loaded', async () => {
    const file = path.join(dir, 'huge.yaml');
    await writeFile(file, '');
    await truncate(file, 2 ** 40);
    // Read whole, this would throw (over Node's maximum buffer) or exhaust memory.
    expect(await readRegularFile(file, { maxBytes: 4 * 1024 * 1024, followSymlinks: false })).toMatchObject({
      ok: false,
      reason: 'too-large',
      message: 'is larger than 4 MiB (the limit per file)',
    });
  });

  it.skipIf(!fifos)('refuses a FIFO at once instead of waiting for a writer', async () => {
    const file = path.join(dir, 'pipe.yaml');
    await mkfifo(file);
    expect(await readRegularFile(file, strict)).toEqual({ ok: false, reason: 'not-regular', message: 'is a FIFO (named pipe), not a regular file' });
    // Followed through a link, it is still the FIFO that is checked.
    await symlink(file, path.join(dir, 'to-pipe'));
    expect(await readRegularFile(path.join(dir, 'to-pipe'), { maxBytes: 16, followSymlinks: true })).toMatchObject({ reason: 'not-regular' });
  });

  it('refuses a socket and a folder', async () => {
    const socket = path.join(dir, 'socket.yaml');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await readRegularFile(socket, strict)).toMatchObject({ ok: false, reason: 'not-regular', message: 'is a socket, not a regular file' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await readRegularFile(dir, strict)).toMatchObject({ ok: false, reason: 'not-regular', message: 'is a folder, not a regular file' });
  });

  it('refuses a symbolic link unless asked to follow it, and tells a missing file apart', async () => {
    const target = path.join(dir, 'target.yaml');
    await writeFile(target, 'a: 1\n');
    const link = path.join(dir, 'link.yaml');
    await symlink(target, link);
    expect(await readRegularFile(link, strict)).toMatchObject({ ok: false, reason: 'symlink' });
    expect(await readRegularFile(link, { maxBytes: 16, followSymlinks: true })).toEqual({ ok: true, content: Buffer.from('a: 1\n'), bytes: 5 });
    expect(await readRegularFile(path.join(dir, 'absent.yaml'), strict)).toMatchObject({ ok: false, reason: 'missing' });
  });
});

describe('formatBytes', () => {
  it('names whole MiB and KiB, else bytes', () => {
    expect([formatBytes(64 * 1024 * 1024), formatBytes(512 * 1024), formatBytes(1000)]).toEqual(['64 MiB', '512 KiB', '1000 bytes']);
  });
});
