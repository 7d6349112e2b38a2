/**
 * deploy/kubernetes/jobs/confirm-deletions.yaml: a Job that runs one
 * `onboarder apply --confirm-deletions=$(TOKEN)` in the Deployment's pod
 * (image, Secrets, settings, git-sync), so it plans what the controller
 * plans; the real CLI parser accepts its command line with a token set the
 * documented way (`kubectl set env --local`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  BASE,
  CONFIRM_JOB,
  container,
  documentsOf,
  expandArgs,
  expectOnlyOnboarderVariables,
  flagsOf,
  literalEnv,
  onboarderConfig,
  theOne,
  yamlFiles,
  type Container,
  type Deployment,
  type Job,
  type K8sObject,
} from '../support/deploy.js';
import { schemaErrors } from '../support/kube-schemas.js';
import { INSTALL_HINTS, requireTool } from '../support/tools.js';

const exec = promisify(execFile);

/** A token as `plan` prints it: 12 hex digits (src/domain/confirm-token.ts). */
const SAMPLE_TOKEN = '3f9c0a1b2d4e';

async function job(): Promise<Job> {
  const [object] = (await documentsOf(CONFIRM_JOB)) as [Job];
  return object;
}

async function baseDeployment(): Promise<Deployment> {
  const objects: K8sObject[] = [];
  for (const file of await yamlFiles(BASE)) objects.push(...((await documentsOf(file)) as K8sObject[]));
  return theOne<Deployment>(objects, 'Deployment', 'onboarder');
}

/** The Job's command line through the real parser, with TOKEN set. */
function parseJobCommand(onboarder: Container, token: string): ReturnType<typeof onboarderConfig> {
  return onboarderConfig(onboarder, { TOKEN: token });
}

describe('the confirm-deletions Job', () => {
  it('validates against the Kubernetes schemas, named anew by every `kubectl create`, tried once', async () => {
    const confirm = await job();
    expect(schemaErrors(confirm)).toEqual([]);
    expect(confirm.metadata).toMatchObject({ generateName: 'onboarder-confirm-deletions-', namespace: 'onboarder' });
    expect(confirm.metadata.name).toBeUndefined();
    expect(confirm.spec.backoffLimit).toBe(0);
    expect(confirm.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('runs `apply --confirm-deletions=$(TOKEN)` on the desired state, which the CLI parser accepts with the token set', async () => {
    const onboarder = container((await job()).spec.template.spec, 'onboarder');
    expect(onboarder.args).toEqual(['apply', '/git/desired-state', '--confirm-deletions=$(TOKEN)']);
    // The kubelet puts the variable's value into the argument.
    expect(expandArgs(onboarder.args!, { TOKEN: SAMPLE_TOKEN })[2]).toBe(`--confirm-deletions=${SAMPLE_TOKEN}`);
    const config = parseJobCommand(onboarder, SAMPLE_TOKEN);
    expect(config).toMatchObject({ command: 'apply', dir: '/git/desired-state', observeOnly: false, leaderElect: false, allowMassDelete: false });
    // The token reaches the configuration (under whatever name the CLI gives it).
    expect(JSON.stringify(config)).toContain(SAMPLE_TOKEN);
    await expectOnlyOnboarderVariables(Object.keys(literalEnv(onboarder)).filter((name) => name !== 'TOKEN'));
  });

  it("is the Deployment's pod: same image, Secrets, settings and repository, so it plans the same", async () => {
    const jobPod = (await job()).spec.template.spec;
    const deploymentPod = (await baseDeployment()).spec.template.spec;
    const [jobOnboarder, onboarder] = [container(jobPod, 'onboarder'), container(deploymentPod, 'onboarder')];
    expect(jobOnboarder.image).toBe(onboarder.image);
    expect(jobOnboarder.envFrom).toEqual(onboarder.envFrom);
    const { TOKEN, ...jobSettings } = literalEnv(jobOnboarder);
    expect(TOKEN).toBe('REPLACE-WITH-THE-TOKEN');
    expect(jobSettings).toEqual(literalEnv(onboarder));
    expect(jobOnboarder.securityContext).toEqual(onboarder.securityContext);
    expect(jobOnboarder.volumeMounts).toEqual(onboarder.volumeMounts);
    expect(jobPod.securityContext).toEqual(deploymentPod.securityContext);
    expect(jobPod.serviceAccountName).toBe(deploymentPod.serviceAccountName);
    expect(jobPod.enableServiceLinks).toBe(false);
    expect(jobPod.volumes).toEqual(deploymentPod.volumes);

    // git-sync clones the same repository and ref once, as a plain init container, where onboarder reads.
    const [jobGitSync, gitSync] = [container(jobPod, 'git-sync'), container(deploymentPod, 'git-sync')];
    expect(jobGitSync.restartPolicy).toBeUndefined();
    expect(jobGitSync.image).toBe(gitSync.image);
    expect(jobGitSync.envFrom).toEqual(gitSync.envFrom);
    expect(jobGitSync.volumeMounts).toEqual(gitSync.volumeMounts);
    const [jobFlags, flags] = [flagsOf(jobGitSync), flagsOf(gitSync)];
    for (const flag of ['repo', 'ref', 'root', 'link']) expect(jobFlags.get(flag), `--${flag}`).toBe(flags.get(flag));
    expect(jobFlags.has('one-time')).toBe(true);
  });

  it('is not counted by the Service, the PodDisruptionBudget or the Deployment: its labels match none of their selectors', async () => {
    const labels = (await job()).spec.template.metadata.labels;
    const selector = (await baseDeployment()).spec.selector.matchLabels;
    // The Service and the PDB select with the Deployment's selector (manifests.test.ts).
    expect(Object.entries(selector).every(([key, value]) => labels[key] === value)).toBe(false);
    expect(labels).toMatchObject({ 'app.kubernetes.io/part-of': 'onboarder', 'app.kubernetes.io/component': 'confirm-deletions' });
  });

  it.skipIf(!requireTool('kubectl', INSTALL_HINTS.kubectl))('takes the token the documented way: `kubectl set env --local -c onboarder`, offline', async () => {
    const { stdout } = await exec('kubectl', ['set', 'env', '--local', '-c', 'onboarder', '-o', 'json', `TOKEN=${SAMPLE_TOKEN}`, '-f', CONFIRM_JOB]);
    const set = JSON.parse(stdout) as Job;
    const pod = set.spec.template.spec;
    expect(literalEnv(container(pod, 'onboarder')).TOKEN).toBe(SAMPLE_TOKEN);
    expect(literalEnv(container(pod, 'git-sync')).TOKEN).toBeUndefined();
    expect(schemaErrors(set)).toEqual([]);
    const config = parseJobCommand(container(pod, 'onboarder'), SAMPLE_TOKEN);
    expect(config.command).toBe('apply');
    expect(JSON.stringify(config)).toContain(SAMPLE_TOKEN);
  });
});
