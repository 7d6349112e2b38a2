import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, MAX_NOTEBOOK_BYTES, type Simulator } from './index.js';
import { call } from './test-helpers.js';

const WS = '1234567890123456';
const OTHER = '2222222222222222';
let sim: Simulator;
let clock: number;

beforeEach(async () => {
  clock = 8_000_000;
  sim = createSimulator({ workspaces: [{ workspaceId: WS }, { workspaceId: OTHER }], now: () => clock });
  await sim.listen();
});
afterEach(() => sim.close());

const api = (method: string, resource: string, body?: unknown, workspaceId = WS) =>
  call(sim, method, `/api/2.0/workspace/${resource}`, body === undefined ? { workspaceId } : { workspaceId, body });
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');
const importNotebook = (path: string, source: string, extra: Record<string, unknown> = {}, workspaceId = WS) =>
  api('POST', 'import', { path, format: 'SOURCE', language: 'PYTHON', content: b64(source), ...extra }, workspaceId);
const status = (path: string, workspaceId = WS) => api('GET', `get-status?path=${encodeURIComponent(path)}`, undefined, workspaceId);
const exported = (path: string) => api('GET', `export?path=${encodeURIComponent(path)}&format=SOURCE`);

describe('import, mkdirs and get-status', () => {
  it('the root is directory 0', async () => {
    const root = await status('/');
    expect(root.body).toEqual({ path: '/', object_type: 'DIRECTORY', object_id: 0, resource_id: '0', created_at: clock, modified_at: clock });
  });

  it('refuses an import into a missing folder; after mkdirs it works', async () => {
    const refused = await importNotebook('/Customers/Acme/Getting Started', 'print(1)\n');
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'The parent folder (/Customers/Acme) does not exist.' });
    expect(await api('POST', 'mkdirs', { path: '/Customers/Acme' })).toMatchObject({ status: 200, body: {} });
    expect((await importNotebook('/Customers/Acme/Getting Started', 'print(1)\n')).status).toBe(200);

    const notebook = await status('/Customers/Acme/Getting Started');
    expect(notebook.body).toMatchObject({ path: '/Customers/Acme/Getting Started', object_type: 'NOTEBOOK', language: 'PYTHON', created_at: clock, modified_at: clock });
    expect(typeof notebook.body.object_id).toBe('number');
    expect(notebook.body.object_id).toBeGreaterThanOrEqual(1000000000000001);
    expect(notebook.body.object_id).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(notebook.body.resource_id).toBe(String(notebook.body.object_id));
    expect((await status('/Customers')).body.object_type).toBe('DIRECTORY');
  });

  it('treats /Workspace as an alias of the root and answers paths without it', async () => {
    await api('POST', 'mkdirs', { path: '/Workspace/Customers/Acme/' });
    expect((await importNotebook('/Workspace/Customers/Acme/nb', 'x = 1')).status).toBe(200);
    const plain = await status('/Customers/Acme/nb');
    const prefixed = await status('/Workspace/Customers/Acme/nb');
    expect(plain.body).toEqual(prefixed.body);
    expect(plain.body.path).toBe('/Customers/Acme/nb');
    expect((await status('/Workspace')).body.object_id).toBe(0);
    expect((await importNotebook('/Customers/Acme/nb', 'x = 2')).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const record = sim.state.workspaceObject(WS, '/Workspace/Customers/Acme/nb');
    expect(record).toMatchObject({ objectId: String(plain.body.object_id), objectType: 'NOTEBOOK', path: '/Customers/Acme/nb', language: 'PYTHON', content: 'x = 1' });
    expect(sim.state.workspaceObject(WS, '/Customers/Acme/nb')).toBe(record);
  });

  it('needs overwrite to replace a notebook; overwriting keeps the id and moves modified_at', async () => {
    await importNotebook('/nb', 'v1');
    const before = (await status('/nb')).body;
    const refused = await importNotebook('/nb', 'v2');
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    clock += 5000;
    expect((await importNotebook('/nb', 'v2', { overwrite: true, language: 'SQL' })).status).toBe(200);
    const after = (await status('/nb')).body;
    expect(after).toMatchObject({ object_id: before.object_id, created_at: before.created_at, modified_at: clock, language: 'SQL' });
    expect(sim.state.workspaceObject(WS, '/nb')?.content).toBe('v2');
  });

  it('refuses an import over a directory, even with overwrite', async () => {
    await api('POST', 'mkdirs', { path: '/dir' });
    for (const overwrite of [false, true]) {
      const refused = await importNotebook('/dir', 'x', { overwrite });
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    }
  });

  it('validates format, language, content and size', async () => {
    const noLanguage = await api('POST', 'import', { path: '/nb', format: 'SOURCE', content: b64('x') });
    expect(noLanguage.status).toBe(400);
    expect(noLanguage.body.message).toContain('language is required');
    expect((await api('POST', 'import', { path: '/nb', format: 'SOURCE', language: 'JAVA', content: b64('x') })).status).toBe(400);
    expect((await api('POST', 'import', { path: '/nb', format: 'DBC', content: b64('x') })).status).toBe(400);
    expect((await importNotebook('/nb', 'x', { content: 'not base64!' })).status).toBe(400);
    expect((await importNotebook('relative/nb', 'x')).status).toBe(400);
    const big = await importNotebook('/big', 'x', { content: 'A'.repeat(MAX_NOTEBOOK_BYTES + 4) });
    expect(big.status).toBe(400);
    expect(big.body.error_code).toBe('MAX_NOTEBOOK_SIZE_EXCEEDED');
    expect(sim.state.workspaceObject(WS, '/big')).toBeUndefined();
  });

  it('AUTO takes the language from the extension and strips it', async () => {
    expect((await api('POST', 'import', { path: '/query.sql', format: 'AUTO', content: b64('select 1') })).status).toBe(200);
    expect((await status('/query')).body).toMatchObject({ object_type: 'NOTEBOOK', language: 'SQL' });
    expect((await status('/query.sql')).status).toBe(404);
  });
});

describe('export', () => {
  it.each([
    ['PYTHON', '# Databricks notebook source', 'py'],
    ['R', '# Databricks notebook source', 'r'],
    ['SQL', '-- Databricks notebook source', 'sql'],
    ['SCALA', '// Databricks notebook source', 'scala'],
  ])('%s: prepends the notebook header when the source lacks it', async (language, header, fileType) => {
    await importNotebook('/plain', 'body\n', { language });
    const plain = await exported('/plain');
    expect(plain.status).toBe(200);
    expect(plain.body.file_type).toBe(fileType);
    expect(unb64(plain.body.content)).toBe(`${header}\nbody\n`);
    await importNotebook('/headed', `${header}\nbody\n`, { language });
    expect(unb64((await exported('/headed')).body.content)).toBe(`${header}\nbody\n`);
  });

  it('answers hand edits made through the state, which bump modified_at', async () => {
    await importNotebook('/nb', '# Databricks notebook source\nprint(1)\n');
    const before = (await status('/nb')).body.modified_at;
    sim.state.setNotebookSource(WS, '/Workspace/nb', '# Databricks notebook source\nprint("edited")\n');
    expect(unb64((await exported('/nb')).body.content)).toContain('edited');
    expect((await status('/nb')).body.modified_at).toBeGreaterThan(before);
  });

  it('answers 404 for missing paths and 400 for directories', async () => {
    expect((await exported('/nope')).status).toBe(404);
    await api('POST', 'mkdirs', { path: '/d' });
    expect((await exported('/d')).status).toBe(400);
  });
});

describe('list, mkdirs and delete', () => {
  it('lists direct children sorted by path, omitting objects when empty', async () => {
    await api('POST', 'mkdirs', { path: '/b/inner' });
    await importNotebook('/a', 'x');
    expect((await api('GET', 'list?path=/')).body.objects.map((o: { path: string }) => o.path)).toEqual(['/a', '/b']);
    expect((await api('GET', 'list?path=/b/inner')).body).toEqual({});
    const missing = await api('GET', 'list?path=/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('mkdirs is idempotent and refuses to go through a notebook', async () => {
    expect((await api('POST', 'mkdirs', { path: '/d' })).status).toBe(200);
    const id = (await status('/d')).body.object_id;
    expect((await api('POST', 'mkdirs', { path: '/d' })).status).toBe(200);
    expect((await status('/d')).body.object_id).toBe(id);
    await importNotebook('/d/nb', 'x');
    for (const path of ['/d/nb', '/d/nb/deeper']) {
      const refused = await api('POST', 'mkdirs', { path });
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    }
  });

  it('delete needs recursive for a non-empty folder', async () => {
    await api('POST', 'mkdirs', { path: '/d/e' });
    await importNotebook('/d/e/nb', 'x');
    const refused = await api('POST', 'delete', { path: '/d', recursive: false });
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('DIRECTORY_NOT_EMPTY');
    expect((await api('POST', 'delete', { path: '/d/e/nb' })).status).toBe(200);
    expect((await api('POST', 'delete', { path: '/d', recursive: true })).status).toBe(200);
    expect((await status('/d/e')).status).toBe(404);
    expect((await api('POST', 'delete', { path: '/d' })).status).toBe(404);
    expect((await api('POST', 'delete', { path: '/', recursive: true })).status).toBe(400);
  });

  it('keeps each workspace its own tree', async () => {
    await importNotebook('/nb', 'x');
    expect((await status('/nb', OTHER)).status).toBe(404);
    expect(sim.state.workspaceObject(OTHER, '/nb')).toBeUndefined();
    expect((await importNotebook('/nb', 'y', {}, OTHER)).status).toBe(200);
    expect((await status('/nb', OTHER)).body.object_id).not.toBe((await status('/nb')).body.object_id);
    expect(sim.requests.at(-1)).toMatchObject({ family: 'workspace', workspaceId: WS });
  });
});
