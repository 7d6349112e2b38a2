/**
 * Tells the controller when a new revision may be there. Two layouts:
 *
 * - DIR is a symlink (git-sync): its parent is watched at depth 0 without
 *   following links, which is the only chokidar setup that sees every swap
 *   whether or not the old worktree is deleted (shared/reference/
 *   node-stack.md §3); edits inside a worktree do not happen.
 * - DIR is a plain folder (the demo, a developer): the tree is watched too,
 *   so saving a roster file is a new revision.
 *
 * The parent is watched in both layouts, because a watch on a folder dies
 * with the folder: when DIR is deleted and made again (or appears later, or
 * turns from a folder into a link), the tree watch is set up afresh for
 * whatever DIR is now.
 *
 * Bursts (a swap is several events; an editor saves in steps) are debounced
 * into one call, after which the caller reads the revision afresh.
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';

export interface RevisionWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  debounceMs?: number;
  /** A watch error: reported, never fatal (the next event for DIR sets the tree watch up again). */
  onError?: (error: unknown) => void;
}

export async function watchRevisions(dir: string, onChange: () => void, options: WatchOptions = {}): Promise<RevisionWatcher> {
  const debounceMs = options.debounceMs ?? 250;
  const target = path.resolve(dir);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };

  const reportError = (error: unknown) => options.onError?.(error);

  let tree: FSWatcher | undefined;
  const watchTree = async (): Promise<void> => {
    await tree?.close();
    tree = undefined;
    // Not there yet, or a link (git-sync): the parent's events are all there is to see.
    const isPlainFolder = (await lstat(target).catch(() => undefined))?.isDirectory() ?? false;
    if (closed || !isPlainFolder) return;
    const watcher = chokidar.watch(target, {
      ignoreInitial: true,
      // Git internals and editor droppings are never desired state.
      ignored: (candidate) => /(^|[/\\])(\.git|node_modules)([/\\]|$)|~$|\.sw[px]$/.test(candidate),
    });
    watcher.on('all', changed);
    watcher.on('error', reportError);
    await ready(watcher);
    if (closed) await watcher.close();
    else tree = watcher;
  };
  // One re-watch at a time: a burst of events for DIR must not leave two tree watchers behind.
  let rewatching = watchTree();
  await rewatching;

  const parent = chokidar.watch(path.dirname(target), { depth: 0, followSymlinks: false, ignoreInitial: true });
  parent.on('all', (event, changedPath) => {
    if (path.resolve(changedPath) !== target) return;
    changed();
    if (event === 'change') return;
    rewatching = rewatching.then(watchTree).then(
      // Edits made while the new tree watch was starting are covered by one more read.
      () => changed(),
      () => changed(),
    );
  });
  parent.on('error', reportError);
  await ready(parent);
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await parent.close();
      await rewatching.catch(() => undefined);
      await tree?.close();
    },
  };
}

function ready(watcher: FSWatcher): Promise<void> {
  return new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
}
