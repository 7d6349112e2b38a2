/**
 * Cluster policies over HTTP (reference §6): workspace APIs routed by the
 * workspace header, family `cluster-policies`. Rules (and the reformatting
 * of `definition`) live in policy-state.ts. Lists have no pagination;
 * `sort_column`/`sort_order` are honoured, creation order ascending by default.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { route, type SimulatorContext } from './pipeline.js';
import type { ClusterPolicy, ClusterPolicySpec } from './policy-state.js';
import { defined, invalid, readBody } from './rest-body.js';

export const POLICIES_PREFIX = '*/api/2.0/policies/clusters';

const policyFields = {
  name: z.string().optional(),
  definition: z.string().optional(),
  description: z.string().optional(),
  max_clusters_per_user: z.number().int().optional(),
  policy_family_id: z.string().optional(),
};
const policyCreate = z.looseObject(policyFields);
const policyEdit = z.looseObject({ ...policyFields, policy_id: z.string().min(1) });
const policyDelete = z.looseObject({ policy_id: z.string().min(1) });

function toSpec(body: z.infer<typeof policyCreate>): ClusterPolicySpec {
  if (body.policy_family_id !== undefined) throw invalid('policy_family_id: policy families are not modelled by the simulator; send a definition.');
  return defined({ name: body.name, definition: body.definition, description: body.description, maxClustersPerUser: body.max_clusters_per_user });
}

export function policyInfo(policy: ClusterPolicy): Record<string, unknown> {
  return defined({
    policy_id: policy.id,
    name: policy.name,
    definition: policy.definition,
    description: policy.description,
    max_clusters_per_user: policy.maxClustersPerUser,
    created_at_timestamp: policy.createdAt,
    creator_user_name: policy.creatorUserName,
    is_default: false,
  });
}

export function clusterPolicyHandlers(ctx: SimulatorContext): HttpHandler[] {
  const assets = ctx.state.assets;
  const store = assets.policyStore;
  const spec = { family: 'cluster-policies', workspaceFrom: 'header', authenticate: true } as const;
  const settled = (policy: ClusterPolicy) => ctx.now() - policy.createdAt >= ctx.faults.listLagMs;

  return [
    route(ctx, 'get', `${POLICIES_PREFIX}/list`, spec, ({ url, workspaceId }) => {
      const column = url.searchParams.get('sort_column') ?? 'POLICY_CREATION_TIME';
      const order = url.searchParams.get('sort_order') ?? 'ASC';
      if (column !== 'POLICY_CREATION_TIME' && column !== 'POLICY_NAME') throw invalid(`Unsupported sort_column '${column}'.`);
      if (order !== 'ASC' && order !== 'DESC') throw invalid(`Unsupported sort_order '${order}'.`);
      const policies = store.list(workspaceId!).filter(settled);
      if (column === 'POLICY_NAME') policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (order === 'DESC') policies.reverse();
      return HttpResponse.json(policies.length > 0 ? { policies: policies.map(policyInfo) } : {});
    }),
    route(ctx, 'get', `${POLICIES_PREFIX}/get`, spec, ({ url, workspaceId }) => {
      const id = url.searchParams.get('policy_id');
      if (!id) throw invalid('policy_id is required.');
      return HttpResponse.json(policyInfo(store.require(workspaceId!, id)));
    }),
    route(ctx, 'post', `${POLICIES_PREFIX}/create`, spec, async ({ request, workspaceId }) => {
      const policy = store.create(workspaceId!, toSpec(await readBody(request, policyCreate)), assets.caller);
      return HttpResponse.json({ policy_id: policy.id });
    }),
    route(ctx, 'post', `${POLICIES_PREFIX}/edit`, spec, async ({ request, workspaceId }) => {
      const body = await readBody(request, policyEdit);
      store.edit(workspaceId!, body.policy_id, toSpec(body));
      return HttpResponse.json({});
    }),
    route(ctx, 'post', `${POLICIES_PREFIX}/delete`, spec, async ({ request, workspaceId }) => {
      assets.deleteClusterPolicy(workspaceId!, (await readBody(request, policyDelete)).policy_id);
      return HttpResponse.json({});
    }),
  ];
}
