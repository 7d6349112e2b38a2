/**
 * Cluster policies, in each of the customer's workspaces. The diff compares
 * definitions semantically (key order and formatting are not drift) and is
 * called by the workspace-assets family diff (kinds/workspace-assets-diff.ts),
 * which then compares the policy's permissions.
 */
import { actionId, buildAction, inWorkspace } from '../domain/action-key.js';
import type { DesiredClusterPolicy } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import type { ResourceKind } from './contract.js';
import { compare } from './values.js';
import { createNamedAsset, declaredPerWorkspace, pruneNamedAsset, type AssetDiffContext, type PermissionsTarget } from './workspace-asset-family.js';

export const clusterPolicyKind: ResourceKind<'cluster-policy', 'workspaceAssets'> = {
  kind: 'cluster-policy',
  family: 'workspaceAssets',
  operations: {
    createClusterPolicy: {
      apply: (op, session) =>
        createNamedAsset(session, op.workspace, { type: 'cluster-policy', name: op.name }, async () => {
          return (await session.clients(op.workspace).clusterPolicies.create({ name: op.name, definition: op.definition })).policyId;
        }),
      owns: (op) => ({ kind: 'cluster-policy', name: op.name, workspace: op.workspace }),
    },
    editClusterPolicy: {
      apply: (op, session) => session.clients(op.workspace).clusterPolicies.edit(op.id, { name: op.name, definition: op.definition }),
      owns: () => null,
    },
    deleteClusterPolicy: {
      // A policy that is already gone counts as deleted, so a retried prune converges.
      apply: (op, session) => session.clients(op.workspace).clusterPolicies.delete(op.id),
      owns: (op) => ({ kind: 'cluster-policy', name: op.name, workspace: op.workspace }),
    },
  },
  ownership: {
    owned: 'cluster-policy',
    listed: true,
    declared: (desired) => declaredPerWorkspace(desired, (c) => c.clusterPolicies.map((p): Pick<OwnedObject, 'kind' | 'name'> => ({ kind: 'cluster-policy', name: p.name }))),
    prune: (object, { live }) =>
      pruneNamedAsset(object, (assets) => assets.clusterPolicies, live, (policy, workspace) => ({ type: 'deleteClusterPolicy', workspace, id: policy.id, name: policy.name })),
  },
};

/** Plans the policy's create or edit in the context's workspace; returns its permissions to compare. */
export function diffClusterPolicy(context: AssetDiffContext, policy: DesiredClusterPolicy): PermissionsTarget {
  const { workspace } = context;
  const live = context.assets.clusterPolicies.find((p) => p.name === policy.name);
  const target = inWorkspace(policy.name, workspace);
  const id = actionId('cluster-policy', target);
  const base = { kind: 'cluster-policy' as const, customer: context.customer.name, target, status: 'pending' as const };
  let createdBy: string | undefined;
  if (!live) {
    createdBy = id;
    context.actions.push(
      buildAction({
        ...base,
        change: 'create',
        before: null,
        after: { attributes: Object.keys(policy.definition) },
        details: Object.entries(policy.definition).map(([path, rule]) => `+ ${path}: ${canonicalJson(rule)}`),
        dependsOn: [],
        op: { type: 'createClusterPolicy', workspace, name: policy.name, definition: policy.definition },
      }),
    );
  } else {
    const details = definitionDetails(live.definition, policy.definition);
    if (details.length > 0) {
      context.actions.push(
        buildAction({
          ...base,
          change: 'update',
          before: { attributes: Object.keys(live.definition).sort() },
          after: { attributes: Object.keys(policy.definition) },
          details,
          dependsOn: [],
          op: { type: 'editClusterPolicy', workspace, id: live.id, name: policy.name, definition: policy.definition },
        }),
      );
    }
  }
  return {
    object: { type: 'cluster-policy', name: policy.name, ...(live ? { id: live.id } : {}) },
    label: `cluster-policy ${policy.name} @ ${workspace}`,
    wanted: policy.permissions,
    acl: live?.acl ?? [],
    createdBy,
  };
}

function definitionDetails(live: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [path, rule] of Object.entries(wanted)) {
    if (!(path in live)) lines.push(`+ ${path}: ${canonicalJson(rule)}`);
    else if (canonicalJson(live[path]) !== canonicalJson(rule)) lines.push(`~ ${path}: ${canonicalJson(live[path])} -> ${canonicalJson(rule)}`);
  }
  for (const [path, rule] of Object.entries(live)) if (!(path in wanted)) lines.push(`- ${path}: ${canonicalJson(rule)}`);
  return lines.sort((a, b) => compare(a.slice(2), b.slice(2)));
}

/** JSON with object keys sorted at every level: equal documents give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => compare(a, b))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
