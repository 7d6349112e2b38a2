/**
 * `onboarder run` in-process (through main, as the CLI runs it) for
 * end-to-end tests: its URL and controller once it serves, its logs, and a
 * stop that stands for SIGTERM.
 */
import { request } from 'undici';
import { expect } from 'vitest';
import type { Controller } from '../../src/loop/controller.js';
import { main } from '../../src/main.js';
import { Capture } from './harness.js';

export interface Running {
  url: string;
  controller: Controller;
  logs: Capture;
  stop(): Promise<number>;
}

export async function startRun(dir: string, env: NodeJS.ProcessEnv, ...flags: string[]): Promise<Running> {
  const stop = new AbortController();
  const logs = new Capture();
  let started: (value: { url: string; controller: Controller }) => void;
  const ready = new Promise<{ url: string; controller: Controller }>((resolve) => (started = resolve));
  const exit = main(['run', dir, '--port=0', ...flags], env, {
    stdout: new Capture(),
    stderr: new Capture(),
    isTty: false,
    logStream: logs,
    stop: stop.signal,
    onStarted: (s) => started(s),
  });
  const { url, controller } = await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`run exited early with ${code}: ${logs.text}`)))]);
  return {
    url,
    controller,
    logs,
    stop: () => {
      stop.abort('SIGTERM');
      return exit;
    },
  };
}

export async function scrape(url: string): Promise<string> {
  const response = await request(`${url}/metrics`);
  expect(response.statusCode).toBe(200);
  return response.body.text();
}
