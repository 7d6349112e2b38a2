/**
 * Cluster policies (reference §6). The API carries a policy's definition as
 * a JSON *string*; this client speaks objects and does the (de)serialising,
 * so callers compare parsed definitions, never the service's formatting.
 */
import { z } from 'zod';
import { ignoreNotFound, invalidResponse, orNull, workspaceRequester, type WorkspaceClientOptions } from './workspace-api.js';

export interface ClusterPolicyInfo {
  policyId: string;
  name: string;
  definition: Record<string, unknown>;
  description?: string;
}

const PATH = '/api/2.0/policies/clusters';

const policySchema = z.looseObject({
  policy_id: z.string(),
  name: z.string(),
  // Absent for policies of a policy family.
  definition: z.string().nullish(),
  description: z.string().nullish(),
});
type WirePolicy = z.infer<typeof policySchema>;

const listSchema = z.looseObject({ policies: z.array(policySchema).nullish() });
const createdSchema = z.looseObject({ policy_id: z.string() });
const anyBody = z.unknown();

export class ClusterPolicies {
  private readonly call;

  constructor(options: WorkspaceClientOptions) {
    this.call = workspaceRequester(options, 'cluster-policies');
  }

  async list(): Promise<ClusterPolicyInfo[]> {
    const page = await this.call({ method: 'GET', path: `${PATH}/list`, schema: listSchema });
    return (page.policies ?? []).map((p) => toInfo(p, `${PATH}/list`));
  }

  async get(policyId: string): Promise<ClusterPolicyInfo | null> {
    const policy = await orNull(this.call({ method: 'GET', path: `${PATH}/get`, query: { policy_id: policyId }, schema: policySchema }));
    return policy && toInfo(policy, `${PATH}/get`);
  }

  async create(input: { name: string; definition: Record<string, unknown> }): Promise<{ policyId: string }> {
    const created = await this.call({
      method: 'POST',
      path: `${PATH}/create`,
      body: { name: input.name, definition: JSON.stringify(input.definition) },
      schema: createdSchema,
    });
    return { policyId: created.policy_id };
  }

  /** A full replacement: name and definition are sent every time (§6). */
  async edit(policyId: string, input: { name: string; definition: Record<string, unknown> }): Promise<void> {
    const body = { policy_id: policyId, name: input.name, definition: JSON.stringify(input.definition) };
    await this.call({ method: 'POST', path: `${PATH}/edit`, body, schema: anyBody });
  }

  delete(policyId: string): Promise<void> {
    // A POST, but repeating it is harmless: one that finds the policy gone counts as done.
    return ignoreNotFound(this.call({ method: 'POST', path: `${PATH}/delete`, body: { policy_id: policyId }, schema: anyBody, idempotent: true }));
  }
}

function toInfo(policy: WirePolicy, path: string): ClusterPolicyInfo {
  const info: ClusterPolicyInfo = { policyId: policy.policy_id, name: policy.name, definition: parseDefinition(policy, path) };
  if (policy.description) info.description = policy.description;
  return info;
}

function parseDefinition(policy: WirePolicy, path: string): Record<string, unknown> {
  if (!policy.definition) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy.definition);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidResponse('cluster-policies', 'GET', path, `policy "${policy.name}" has a definition that is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
