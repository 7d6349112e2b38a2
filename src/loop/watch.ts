/**
 * Tells the controller when a new revision may be there. Two layouts:
 *
 * - DIR is a symlink (git-sync): its parent is watched at depth 0 without
 *   following links, which is the only chokidar setup that sees every swap
 *   whether or not the old worktree is deleted (shared/reference/
 *   node-stack.md §3); edits inside a worktree do not happen.
 * - DIR is a plain folder (the demo, a developer): the tree is watched, so
 *   saving a roster file is a new revision.
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

export async function watchRevisions(dir: string, onChange: () => void, options: { debounceMs?: number } = {}): Promise<RevisionWatcher> {
  const debounceMs = options.debounceMs ?? 250;
  const link = path.resolve(dir);
  // Not there yet counts as a link: git-sync creates it with its first sync.
  const isLink = (await lstat(link).catch(() => undefined))?.isSymbolicLink() ?? true;
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };

  let watcher: FSWatcher;
  if (isLink) {
    watcher = chokidar.watch(path.dirname(link), { depth: 0, followSymlinks: false, ignoreInitial: true });
    watcher.on('all', (_event, changedPath) => {
      if (path.resolve(changedPath) === link) changed();
    });
  } else {
    watcher = chokidar.watch(link, {
      ignoreInitial: true,
      // Git internals and editor droppings are never desired state.
      ignored: (candidate) => /(^|[/\\])(\.git|node_modules)([/\\]|$)|~$|\.sw[px]$/.test(candidate),
    });
    watcher.on('all', changed);
  }
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
