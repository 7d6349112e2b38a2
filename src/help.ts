/**
 * `onboarder --help`, `onboarder help COMMAND` and `onboarder COMMAND --help`:
 * written from the command table (commands.ts) and the flag table
 * (config.ts, FLAGS), the same tables parsing reads, so help cannot say
 * something the parser does not do.
 */
import { COMMAND_SPECS, COMMANDS, type Command } from './commands.js';
import { FLAGS, type FlagSpec } from './config.js';
import { presenceValue } from './config-values.js';

const WIDTH = 100;
const INDENT = '      ';

const DATABRICKS_VARIABLES =
  'Databricks, from the standard variables: DATABRICKS_ACCOUNT_ID; DATABRICKS_ACCOUNT_HOST (default ' +
  'https://accounts.cloud.databricks.com; https://accounts.azuredatabricks.net on Azure); DATABRICKS_HOST (the host of ' +
  'a Workspace that declares none); and DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET (OAuth, a ' +
  'service principal that is account admin and workspace admin). No account yet? Start `onboarder demo` and use the ' +
  '--simulator flag it prints.';

export function generalHelp(): string {
  const names = COMMANDS.map((name) => `${name}${COMMAND_SPECS[name].takesDir ? ' [DIR]' : ''}`);
  const width = Math.max(...names.map((n) => n.length)) + 3;
  return [
    'onboarder: onboards customers onto Databricks from a folder of YAML, the GitOps way.',
    '',
    'Usage: onboarder <command> [DIR] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((name, i) => `  ${names[i]!.padEnd(width)}${COMMAND_SPECS[name].summary}`),
    '',
    'DIR is the desired-state folder (default ./desired-state, or ONBOARDER_DIR).',
    '`onboarder help <command>` (or `onboarder <command> --help`) lists the flags of a command, each with its',
    'variable and default; `onboarder --version` prints the version.',
    '',
    wrap(DATABRICKS_VARIABLES, ''),
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const spec = COMMAND_SPECS[command];
  const flags = (Object.entries(FLAGS) as [string, FlagSpec<unknown>][]).filter(([, flag]) => flag.commands.includes(command));
  const lines = [`Usage: onboarder ${command}${spec.takesDir ? ' [DIR]' : ''}${flags.length > 0 ? ' [flags]' : ''}`, '', spec.description, ''];
  if (spec.takesDir) lines.push('DIR is the desired-state folder (default ./desired-state, or ONBOARDER_DIR).', '');
  lines.push('Flags:');
  for (const [name, flag] of flags) {
    lines.push(`  --${name}${flag.value === undefined ? '' : `=${flag.value}`}`, wrap(flag.help, INDENT), wrap(sourceLine(flag), INDENT));
  }
  lines.push('  -h, --help', `${INDENT}this help`, '');
  // A command that can take --simulator is one that talks to Databricks.
  if (FLAGS.simulator.commands.includes(command)) lines.push(wrap(DATABRICKS_VARIABLES, ''), '');
  return lines.join('\n');
}

/** `ONBOARDER_PORT; default 8080`, `ONBOARDER_LEADER_ELECT=true`, `NO_COLOR set to anything`. */
function sourceLine(flag: FlagSpec<unknown>): string {
  const variable = flag.value !== undefined ? flag.env : flag.parse === presenceValue ? `${flag.env} set to anything` : `${flag.env}=true`;
  return flag.shownDefault === undefined ? `variable ${variable}` : `variable ${variable}; default ${flag.shownDefault}`;
}

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}
