/**
 * Validates rendered Kubernetes objects against the upstream OpenAPI schemas
 * that kubernetes-models (and its Prometheus Operator models) compile in:
 * types, required fields, enums. An object of a kind not listed here fails,
 * so a new kind in deploy/ needs its schema added.
 */
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** The schema's complaints about one object (`/spec/replicas must be integer`), none when it is valid. */
export function schemaErrors(object: { apiVersion: string; kind: string }): string[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`no schema for ${object.apiVersion} ${object.kind}: add its model to test/support/kube-schemas.ts`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    // kubernetes-models' ValidationError (its package is not ours to import) lists ajv's errors.
    const { errors } = error as { errors?: { instancePath: string; message?: string; keyword: string }[] };
    if (!Array.isArray(errors)) throw error;
    return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  }
}
