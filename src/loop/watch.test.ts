import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { watchRevisions, type RevisionWatcher } from './watch.js';

let watcher: RevisionWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the watcher's calls; `next` waits for one more than seen so far, or fails after a generous bound. */
function calls() {
  let count = 0;
  return {
    onChange: () => void count++,
    get count() {
      return count;
    },
    async next(what: string, timeoutMs = 5_000): Promise<void> {
      const before = count;
      const deadline = Date.now() + timeoutMs;
      while (count === before) {
        if (Date.now() > deadline) throw new Error(`no change seen after ${what}`);
        await sleep(20);
      }
    },
  };
}

/** Lets a burst of events and the re-watch after it settle before the next step. */
const settle = () => sleep(400);

describe('watching a plain desired-state folder', () => {
  it('keeps seeing changes after the folder is deleted and made again', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'onboarder-watch-'));
    const dir = path.join(parent, 'desired-state');
    await mkdir(dir);
    await writeFile(path.join(dir, 'roster.yaml'), 'a: 1\n');
    const seen = calls();
    watcher = await watchRevisions(dir, seen.onChange, { debounceMs: 20 });

    await writeFile(path.join(dir, 'roster.yaml'), 'a: 2\n');
    await seen.next('an edit');
    await settle();

    await rm(dir, { recursive: true });
    await seen.next('deleting the folder');
    await settle();

    await mkdir(dir);
    await writeFile(path.join(dir, 'roster.yaml'), 'a: 3\n');
    await seen.next('making the folder again');
    await settle();

    // The point: the folder made again is watched like the first one.
    await writeFile(path.join(dir, 'roster.yaml'), 'a: 4\n');
    await seen.next('an edit in the folder made again');
    await settle();
    await mkdir(path.join(dir, 'customers'));
    await settle();
    await writeFile(path.join(dir, 'customers', 'acme.yaml'), 'b: 1\n');
    await seen.next('a new file in a new subfolder');
  }, 30_000);

  it('watches a folder that did not exist when watching began', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'onboarder-watch-'));
    const dir = path.join(parent, 'desired-state');
    const seen = calls();
    watcher = await watchRevisions(dir, seen.onChange, { debounceMs: 20 });
    await mkdir(dir);
    await seen.next('the folder appearing');
    await settle();
    await writeFile(path.join(dir, 'roster.yaml'), 'a: 1\n');
    await seen.next('a file written into it');
  }, 30_000);
});
