/**
 * The commands of the `onboarder` CLI: what each one is, whether it takes the
 * desired-state folder, and the text its `--help` opens with. Which flags a
 * command takes is said once, on each flag (config.ts, FLAGS).
 */

export const COMMANDS = ['validate', 'plan', 'apply', 'run', 'demo', 'schema'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CommandSpec {
  /** Takes the desired-state folder as its one argument (default ./desired-state, ONBOARDER_DIR). */
  takesDir: boolean;
  /** One line, for the command list. */
  summary: string;
  /** The paragraph its `--help` shows under the usage line: what it does, its exit codes. */
  description: string;
}

export const COMMAND_SPECS: Readonly<Record<Command, CommandSpec>> = {
  validate: {
    takesDir: true,
    summary: 'load and check the desired-state folder',
    description:
      'Loads DIR and checks every rule of the format, offline: each problem is reported as file:line:column.\n' +
      'Workspace hosts must be trusted (Databricks\' own domains, DATABRICKS_HOST, --allowed-hosts),\n' +
      'so set the same --allowed-hosts in CI as in the deployment. With --json, the verdict as data:\n' +
      'valid, and issues[] each with file, line, column, path, a stable code and the message.\n' +
      'Exit 0 valid, 1 invalid.',
  },
  plan: {
    takesDir: true,
    summary: 'read the live account and workspaces, print the changes',
    description:
      'Reads the live state that DIR declares and prints what apply would change, without writing anything.\n' +
      'Exit 0 (with --detailed-exitcode: 0 no changes, 2 changes), 1 on error; 130/143 on SIGINT/SIGTERM.',
  },
  apply: {
    takesDir: true,
    summary: 'one reconcile, then exit',
    description:
      'Plans as plan does, then carries the plan out in dependency order and prints what happened.\n' +
      'Exit 0 converged, 1 when an action failed or was skipped; 130/143 on SIGINT/SIGTERM (no new\n' +
      'action starts; the ones running get --shutdown-grace).',
  },
  run: {
    takesDir: true,
    summary: 'the controller: watch DIR, reconcile on change and every resync interval, serve HTTP',
    description:
      'The long-running controller: watches DIR (git-sync swaps a symlink, or edits), reconciles each\n' +
      'new revision at once and everything every --resync-interval, and serves /metrics, /healthz,\n' +
      '/readyz and a status page on --port. A revision with an error is rejected whole; the last good\n' +
      'one stays in force. SIGTERM/SIGINT shut it down gracefully (exit 0).',
  },
  demo: {
    takesDir: true,
    summary: 'the controller against the embedded Databricks simulator and the bundled example',
    description:
      'Starts the embedded Databricks simulator (an empty account holding the example\'s workspaces) and\n' +
      'runs the controller on DIR against it: edits to the folder are applied as they are saved. Once it\n' +
      'serves it prints how to point validate, plan, apply and run at the simulator (--simulator).\n' +
      'No Databricks account or credentials needed. With --once: converge, plan again, exit.',
  },
  schema: {
    takesDir: false,
    summary: 'print the JSON Schema of the desired-state format',
    description: 'Prints the JSON Schema of the desired-state format (for editors and CI), then exits 0.',
  },
};

export function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}
