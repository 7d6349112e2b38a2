/**
 * Reads one file of the desired-state folder (or of its git metadata)
 * without trusting it. The folder is whatever a commit holds, and an entry
 * can be swapped between the listing and the read, so:
 *
 * - A FIFO with no writer makes a plain `open` wait forever (and with it a
 *   libuv thread: the process then ignores SIGTERM), a device or socket is
 *   no file either. The file is opened non-blocking and its type checked
 *   with `fstat` on the open handle, never on the path, so whatever was
 *   swapped in after the listing is what gets checked.
 * - A huge file must not be read whole: at most `maxBytes + 1` bytes are
 *   read, enough to tell that it is over the limit.
 * - Without `followSymlinks`, a symbolic link as the last path component is
 *   refused by the open itself (O_NOFOLLOW), again whatever the listing saw.
 */
import { constants, type Dirent, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type FileRead =
  /** The bytes as read: YAML is decoded by its reader, notebook sources are checked for UTF-8 first. */
  | { ok: true; content: Buffer; bytes: number }
  | { ok: false; reason: 'missing' | 'symlink' | 'not-regular' | 'too-large' | 'unreadable'; message: string };

export interface FileReadOptions {
  maxBytes: number;
  followSymlinks: boolean;
}

const CHUNK_BYTES = 64 * 1024;
// Absent on Windows, where neither FIFOs nor O_NOFOLLOW exist in this form.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export async function readRegularFile(file: string, options: FileReadOptions): Promise<FileRead> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | O_NONBLOCK | (options.followSymlinks ? 0 : O_NOFOLLOW));
  } catch (error) {
    return openFailure(error as NodeJS.ErrnoException);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, reason: 'not-regular', message: `is ${describeFileType(stats)}, not a regular file` };
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (;;) {
      const wanted = Math.min(CHUNK_BYTES, options.maxBytes + 1 - bytes);
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(wanted), 0, wanted, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
      if (bytes > options.maxBytes) {
        return { ok: false, reason: 'too-large', message: `is larger than ${formatBytes(options.maxBytes)} (the limit per file)` };
      }
    }
    return { ok: true, content: Buffer.concat(chunks, bytes), bytes };
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: `cannot be read: ${(error as Error).message}` };
  } finally {
    await handle.close();
  }
}

function openFailure(error: NodeJS.ErrnoException): FileRead {
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { ok: false, reason: 'missing', message: 'does not exist' };
    // O_NOFOLLOW's answer for a link (FreeBSD and macOS say EMLINK).
    case 'ELOOP':
    case 'EMLINK':
      return { ok: false, reason: 'symlink', message: 'is a symbolic link, which is not followed here' };
    case 'ENXIO': // opening a Unix socket fails this way
      return { ok: false, reason: 'not-regular', message: 'is a socket, not a regular file' };
    default:
      return { ok: false, reason: 'unreadable', message: `cannot be read: ${error.code ?? error.message}` };
  }
}

/** "a FIFO", "a folder"...: what a non-regular entry is, for an error message. */
export function describeFileType(entry: Stats | Dirent): string {
  if (entry.isFile()) return 'a regular file';
  if (entry.isDirectory()) return 'a folder';
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isFIFO()) return 'a FIFO (named pipe)';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return 'an entry of unknown type';
}

export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  const kib = bytes / 1024;
  return Number.isInteger(kib) ? `${kib} KiB` : `${bytes} bytes`;
}
