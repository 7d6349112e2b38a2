import { describe, expect, it } from 'vitest';
import { useWorkspaceSim, WORKSPACE_ID } from '../../test/support/workspace-sim.js';
import { WorkspaceObjects } from './workspace-objects.js';

describe('WorkspaceObjects against the simulator', () => {
  const ws = useWorkspaceSim();

  it('imports into a missing folder by creating it, then overwrites in place', async () => {
    const objects = new WorkspaceObjects(ws.options);
    const path = '/Workspace/Customers/Acme/Start';
    await objects.importSource({ path, language: 'PYTHON', content: 'print("héllo")\n' });
    const imports = ws.sim.requests.filter((r) => r.path.endsWith('/workspace/import') || r.path.endsWith('/workspace/mkdirs'));
    expect(imports.map((r) => `${r.path.split('/').pop()} ${r.status}`)).toEqual(['import 404', 'mkdirs 200', 'import 200']);

    const status = await objects.getStatus(path);
    expect(status).toMatchObject({ objectType: 'NOTEBOOK', language: 'PYTHON' });
    expect(status!.objectId).toMatch(/^\d+$/);
    // The export carries Databricks' header line; the source itself round-trips, UTF-8 intact.
    expect(await objects.exportSource(path)).toBe('# Databricks notebook source\nprint("héllo")\n');

    await objects.importSource({ path, language: 'PYTHON', content: 'print(2)\n' });
    expect((await objects.getStatus(path))!.objectId).toBe(status!.objectId);
    expect(ws.sim.state.workspaceObject(WORKSPACE_ID, path)!.content).toBe('print(2)\n');
  });

  it('answers null for what is not there, and deletes idempotently', async () => {
    const objects = new WorkspaceObjects(ws.options);
    expect(await objects.getStatus('/nowhere')).toBeNull();
    expect(await objects.exportSource('/nowhere')).toBeNull();
    await objects.mkdirs('/Shared/a');
    await objects.delete('/Shared/a');
    await objects.delete('/Shared/a');
    expect(await objects.getStatus('/Shared/a')).toBeNull();
  });
});
