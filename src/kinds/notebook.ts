/**
 * Template notebooks, in each of the customer's workspaces, compared by the
 * hash of their normalised source. The diff is called by the
 * workspace-assets family diff (kinds/workspace-assets-diff.ts), which then
 * compares the notebook's permissions.
 */
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { DesiredNotebook } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import { notebookHash } from '../domain/notebook.js';
import type { ResourceKind } from './contract.js';
import { declaredPerWorkspace, liveAssets, type AssetDiffContext, type PermissionsTarget } from './workspace-asset-family.js';

export const notebookKind: ResourceKind<'notebook', 'workspaceAssets'> = {
  kind: 'notebook',
  family: 'workspaceAssets',
  operations: {
    importNotebook: {
      // Overwrites in place (the object id and its permissions stay); missing parent folders are created.
      apply: (op, session) => session.clients(op.workspace).objects.importSource({ path: op.path, language: op.language, content: op.content }),
      owns: (op) => ({ kind: 'notebook', name: op.path, workspace: op.workspace }),
    },
    deleteNotebook: {
      apply: (op, session) => session.clients(op.workspace).objects.delete(op.path),
      owns: (op) => ({ kind: 'notebook', name: op.path, workspace: op.workspace }),
    },
  },
  ownership: {
    owned: 'notebook',
    // Read one by one: a direct read's 404 is trusted at once.
    listed: false,
    declared: (desired) => declaredPerWorkspace(desired, (c) => c.notebooks.map((n): Pick<OwnedObject, 'kind' | 'name'> => ({ kind: 'notebook', name: n.path }))),
    prune: (object, { live }) => {
      const workspace = object.workspace ?? '';
      const notebook = liveAssets(live, workspace).notebooks.find((n) => n.path === object.name);
      if (!notebook) return { outcome: 'absent' };
      // Something other than a notebook at the path now: not ours.
      if (notebook.occupiedBy !== undefined) return { outcome: 'release' };
      return {
        outcome: 'delete',
        target: inWorkspace(notebook.path, workspace),
        before: { objectId: notebook.objectId },
        op: { type: 'deleteNotebook', workspace, path: notebook.path },
      };
    },
  },
};

/** Plans the notebook's import (or reports the path held by something else); returns its permissions to compare. */
export function diffNotebook(context: AssetDiffContext, notebook: DesiredNotebook): PermissionsTarget {
  const { workspace } = context;
  const live = context.assets.notebooks.find((n) => n.path === notebook.path);
  const hash = notebookHash(notebook.content, notebook.language);
  const target = inWorkspace(notebook.path, workspace);
  const id = actionId('notebook', target);
  const stale = live !== undefined && (live.contentHash !== hash || (live.language !== undefined && live.language !== notebook.language));
  // A folder or file at the path is not the notebook: its import must succeed before any permission is set, and on the notebook.
  const notebookLive = live?.occupiedBy === undefined ? live : undefined;
  let createdBy: string | undefined;
  if (!live || stale) {
    createdBy = notebookLive ? undefined : id;
    const occupied = live?.occupiedBy;
    context.actions.push(
      buildAction({
        kind: 'notebook',
        change: notebookLive ? 'update' : 'create',
        customer: context.customer.name,
        target,
        before: notebookLive ? { language: notebookLive.language ?? null, sha256: notebookLive.contentHash.slice(0, 12) } : null,
        after: { source: notebook.sourceFile, language: notebook.language, sha256: hash.slice(0, 12) },
        details: [],
        dependsOn: [],
        // Whoever put a folder or file there owns it: it is reported, never overwritten.
        status: occupied ? 'reported' : 'pending',
        ...(occupied ? { reason: `the path holds a ${occupied.toLowerCase()} onboarder did not make; move it, or choose another path` } : {}),
        op: { type: 'importNotebook', workspace, path: notebook.path, language: notebook.language, content: notebook.content },
      }),
    );
  }
  return {
    object: { type: 'notebook', path: notebook.path, ...(notebookLive ? { id: notebookLive.objectId } : {}) },
    label: `notebook ${notebook.path} @ ${workspace}`,
    wanted: notebook.permissions,
    acl: notebookLive?.acl ?? [],
    // A re-import keeps the object (and its permissions); only a create must come first.
    createdBy,
  };
}
