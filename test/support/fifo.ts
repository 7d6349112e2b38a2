/**
 * FIFOs for the hostile-file tests. Node cannot make one, so `mkfifo` (GNU
 * coreutils) does; a test that needs it skips, saying so, when it is absent.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Whether `mkfifo` is on the PATH; prints a notice when it is not. */
export async function canMakeFifos(): Promise<boolean> {
  const found = await exec('mkfifo', ['--version']).then(
    () => true,
    () => false,
  );
  if (!found) console.warn('mkfifo is not installed: the FIFO tests are skipped (install coreutils to run them)');
  return found;
}

export async function mkfifo(file: string): Promise<void> {
  await exec('mkfifo', [file]);
}
