/**
 * Files the loader refuses, each with a located error: over a size limit,
 * symbolic links, FIFOs, YAML whose data would not be what it says.
 */
import { rename, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { revision } from '../../test/fixtures/desired/revision.js';
import { canMakeFifos, mkfifo } from '../../test/support/fifo.js';
import { removeFolders, writeFolder } from '../../test/support/folder.js';
import { formatIssue } from '../domain/errors.js';
import { loadDesiredState, loadDesiredStateFromFiles, type LoadResult } from './load.js';
import { createRevisionReader, DEFAULT_READ_LIMITS, findYamlFiles } from './read-folder.js';

afterEach(removeFolders);

const errors = (result: LoadResult) => (result.ok ? [] : result.issues.map(formatIssue));
const codes = (result: LoadResult) => (result.ok ? [] : result.issues.map((issue) => issue.code));
const fifos = await canMakeFifos();
const ROSTER = 'customers/acme-roster.yaml';
const KiB = 1024;

/** A roster padded with a comment to `bytes` bytes: valid YAML of any size. */
function paddedRoster(bytes: number): string {
  const roster = revision()[ROSTER]!;
  return `${roster}#${'x'.repeat(bytes - roster.length - 2)}\n`;
}

describe('size limits', () => {
  it('refuses a YAML file over 4 MiB, at the file, without parsing it', async () => {
    const root = await writeFolder(revision({ [ROSTER]: paddedRoster(4 * KiB * KiB + 1) }));
    expect(codes(await loadDesiredState(root))).toEqual(['FILE_TOO_LARGE']);
    expect(errors(await loadDesiredState(root))).toEqual([`${ROSTER}:1:1: is larger than 4 MiB (the limit per file)`]);
  });

  it('accepts a file of exactly the limit', async () => {
    const limits = { ...DEFAULT_READ_LIMITS, yamlFileBytes: 8 * KiB };
    const root = await writeFolder(revision({ [ROSTER]: paddedRoster(8 * KiB) }));
    expect((await loadDesiredState(root, { limits })).ok).toBe(true);
  });

  it('refuses a revision whose files add up to more than its limit, at the file that crossed it', async () => {
    const limits = { ...DEFAULT_READ_LIMITS, yamlFileBytes: 8 * KiB, revisionBytes: 20 * KiB };
    const padding = `# ${'x'.repeat(7 * KiB)}\n`;
    const root = await writeFolder(revision({ 'big/1.yaml': padding, 'big/2.yaml': padding, 'big/3.yaml': padding }));
    // Files are read in path order: big/1 and big/2 make 14 KiB, big/3 crosses 20 KiB.
    expect(codes(await loadDesiredState(root, { limits }))).toEqual(['REVISION_TOO_LARGE']);
    expect(errors(await loadDesiredState(root, { limits }))).toEqual([
      "big/3.yaml:1:1: the revision's files add up to more than 20 KiB (the limit per revision) with this one; nothing more is read",
    ]);
  });

  it('counts notebook sources in the revision and bounds each one', async () => {
    const acme = `${revision()['customers/acme.yaml']!}  notebooks: [{ path: /Workspace/Acme/Start, source: start.py, language: PYTHON }]\n`;
    const limits = { ...DEFAULT_READ_LIMITS, notebookFileBytes: 4 * KiB };
    const root = await writeFolder(revision({ 'customers/acme.yaml': acme, 'start.py': `# ${'x'.repeat(4 * KiB)}\n` }));
    expect(errors(await loadDesiredState(root, { limits }))).toEqual([
      'customers/acme.yaml:12:54: spec.notebooks[0].source: notebook source "start.py" is larger than 4 KiB (the limit per file)',
    ]);
  });
});

describe('symbolic links and special files in the folder', () => {
  it('reports a symlinked YAML file, whether it stays inside the folder, leaves it or dangles', async () => {
    const outside = await writeFolder({ 'roster.yaml': revision()[ROSTER]! });
    const root = await writeFolder(revision({ [ROSTER]: undefined, 'shared/roster.yaml': revision()[ROSTER]! }));
    await symlink(path.join(root, 'shared/roster.yaml'), path.join(root, 'customers/inside.yaml'));
    await symlink(path.join(outside, 'roster.yaml'), path.join(root, 'customers/outside.yml'));
    await symlink(path.join(root, 'nowhere.yaml'), path.join(root, 'customers/dangling.yaml'));
    const link = 'is a symbolic link: YAML files must be regular files in the folder (copy the file instead of linking it)';
    expect(codes(await loadDesiredState(root))).toEqual(['SYMLINK', 'SYMLINK', 'SYMLINK']);
    expect(errors(await loadDesiredState(root))).toEqual([
      `customers/dangling.yaml:1:1: ${link}`,
      `customers/inside.yaml:1:1: ${link}`,
      `customers/outside.yml:1:1: ${link}`,
    ]);
  });

  it('reports a symlinked folder instead of silently ignoring the YAML under it', async () => {
    const elsewhere = await writeFolder({ 'roster.yaml': revision()[ROSTER]! });
    const root = await writeFolder(revision({ [ROSTER]: undefined }));
    await symlink(elsewhere, path.join(root, 'rosters'));
    expect(codes(await loadDesiredState(root))).toEqual(['SYMLINK']);
    expect(errors(await loadDesiredState(root))).toEqual([
      'rosters:1:1: is a symbolic link to a folder, which is not followed: the YAML files under it would be ignored',
    ]);
  });

  it('reads a folder that is itself a symbolic link, as git-sync publishes it', async () => {
    const root = await writeFolder(revision());
    const link = `${root}-link`;
    await symlink(root, link);
    expect(await loadDesiredState(link)).toMatchObject({ ok: true });
  });

  it.skipIf(!fifos)('refuses a FIFO named like YAML, and a FIFO renamed over a listed file, without blocking', async () => {
    const root = await writeFolder(revision());
    await mkfifo(path.join(root, 'customers/pipe.yaml'));
    expect(codes(await loadDesiredState(root))).toEqual(['NOT_A_REGULAR_FILE']);
    expect(errors(await loadDesiredState(root))).toEqual(['customers/pipe.yaml:1:1: is a FIFO (named pipe), not a regular file']);

    // Between the listing and the read, a FIFO is renamed over a listed file: the read itself refuses it.
    const racing = await writeFolder(revision());
    const listing = await findYamlFiles(racing);
    expect(listing.files).toContain(ROSTER);
    await mkfifo(path.join(racing, 'swap'));
    await rename(path.join(racing, 'swap'), path.join(racing, ROSTER));
    const read = await createRevisionReader(racing, DEFAULT_READ_LIMITS).read(ROSTER, DEFAULT_READ_LIMITS.yamlFileBytes);
    expect(read).toEqual({ ok: false, reason: 'refused', issue: expect.objectContaining({ file: ROSTER, code: 'NOT_A_REGULAR_FILE', message: 'is a FIFO (named pipe), not a regular file' }) });
  });

  it.skipIf(!fifos)('refuses a notebook source that is a FIFO', async () => {
    const acme = `${revision()['customers/acme.yaml']!}  notebooks: [{ path: /Workspace/Acme/Start, source: start.py, language: PYTHON }]\n`;
    const root = await writeFolder(revision({ 'customers/acme.yaml': acme }));
    await mkfifo(path.join(root, 'start.py'));
    expect(errors(await loadDesiredState(root))).toContain('customers/acme.yaml:12:54: spec.notebooks[0].source: notebook source "start.py" is a FIFO (named pipe), not a regular file');
  });
});

describe('YAML whose data would not be what it says', () => {
  it('makes an unknown tag such as !!js/function a located error', () => {
    const acme = revision()['customers/acme.yaml']!.replace('displayName: Acme Corp', 'displayName: !!js/function "function () {}"');
    expect(errors(loadDesiredStateFromFiles(revision({ 'customers/acme.yaml': acme })))).toEqual([
      // The roster's error follows from its Customer being refused, as after any YAML error.
      'customers/acme-roster.yaml:3:19: metadata.name: no Customer "acme" for this Roster (a Roster is named after its Customer)',
      'customers/acme.yaml:5:16: YAML error: Unresolved tag: tag:yaml.org,2002:js/function',
    ]);
  });

  it('makes __proto__, constructor and prototype keys located errors instead of dropping them', () => {
    const acme = `${revision()['customers/acme.yaml']!}  tags:\n    __proto__: { polluted: "yes" }\n    team: data\n`;
    const roster = revision()[ROSTER]!.replace('personas: [analysts]', 'personas: [analysts], constructor: x');
    expect(errors(loadDesiredStateFromFiles(revision({ 'customers/acme.yaml': acme, [ROSTER]: roster })))).toEqual([
      'customers/acme-roster.yaml:6:56: spec.users[0].constructor: key "constructor" is not allowed (it names a JavaScript object\'s internals)',
      'customers/acme.yaml:13:5: spec.tags.__proto__: key "__proto__" is not allowed (it names a JavaScript object\'s internals)',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
