/**
 * Leader-election settings from inside a pod: the API server from the
 * service environment, the namespace, token and CA from the mounted
 * service account. The token is re-read on every request: projected tokens
 * rotate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../domain/errors.js';
import { describe } from './lease-api.js';
import type { LeaseConfig } from './leader.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where inClusterLeaseConfig looks; tests point it elsewhere. */
export interface InClusterSource {
  env?: NodeJS.ProcessEnv;
  serviceAccountDir?: string;
}

/**
 * In-cluster config from the service account files and env
 * (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT,
 * /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace});
 * throws a clear Error when not in a cluster.
 */
export async function inClusterLeaseConfig(
  options: { name: string; identity: string; namespace?: string },
  source: InClusterSource = {},
): Promise<LeaseConfig> {
  const env = source.env ?? process.env;
  const dir = source.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST?.trim() ?? '';
  const port = env.KUBERNETES_SERVICE_PORT?.trim() ?? '';
  if (host === '' || port === '') {
    throw new ConfigError(
      '--leader-elect needs to run inside a Kubernetes cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
    );
  }
  const tokenPath = join(dir, 'token');
  const token = async (): Promise<string> => {
    const value = (await readServiceAccountFile(tokenPath, 'token')).trim();
    if (value === '') throw new ConfigError(`the service account token ${tokenPath} is empty`);
    return value;
  };
  await token();
  const namespace = options.namespace ?? (await readServiceAccountFile(join(dir, 'namespace'), 'namespace')).trim();
  if (namespace === '') throw new ConfigError(`the service account namespace file in ${dir} is empty`);
  // As client-go: a missing CA bundle is not fatal (the system CAs may do).
  const ca = await readFile(join(dir, 'ca.crt'), 'utf8').catch(() => undefined);
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    apiServer: `https://${hostPort}`,
    namespace,
    name: options.name,
    identity: options.identity,
    token,
    ...(ca === undefined ? {} : { ca }),
  };
}

async function readServiceAccountFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? describe(error);
    throw new ConfigError(
      `--leader-elect: cannot read the service account ${what} ${path} (${code}); is a service account token mounted in this pod?`,
    );
  }
}
