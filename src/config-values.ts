/**
 * How the text of a flag or variable becomes a value. Each parser returns
 * the value or what was expected; config.ts puts the flag's or variable's
 * name in front, so a message names what the operator typed, never a field
 * of ours.
 */
import { isIP } from 'node:net';
import type { Command } from './commands.js';
import { parseHostPattern, type HostPattern } from './domain/host-trust.js';
import { ACTION_KINDS, type ActionKind } from './domain/plan.js';
import type { ApiFamily } from './domain/telemetry.js';
import { DEFAULT_FAMILY_LIMITS, unlimitedFamilyLimits, type FamilyLimitsConfig } from './live/limiter.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export type ValueParser<T> = (text: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const expected = (what: string, text: string): Parsed<never> => ({ ok: false, problem: `expected ${what}, got ${JSON.stringify(text)}` });

/** A switch's variable: `true`/`1` or `false`/`0`. */
export const switchValue: ValueParser<boolean> = (text) => {
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === '1') return ok(true);
  if (value === 'false' || value === '0') return ok(false);
  return expected('true or false', text);
};

/** The NO_COLOR convention (no-color.org): any value at all means no colour. */
export const presenceValue: ValueParser<boolean> = () => ok(true);

export const textValue: ValueParser<string> = (text) => (text.trim() === '' ? expected('a value', text) : ok(text.trim()));

export function integerValue(min: number, max: number): ValueParser<number> {
  return (text) => {
    if (!/^\s*-?\d+\s*$/.test(text)) return expected('a number', text);
    const value = Number(text);
    return value >= min && value <= max ? ok(value) : expected(`a number from ${min} to ${max}`, text);
  };
}

export function oneOf<const T extends string>(values: readonly T[]): ValueParser<T> {
  return (text) => ((values as readonly string[]).includes(text) ? ok(text as T) : expected(values.join(' or '), text));
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `30s`, `10m`, `1h` -> milliseconds, more than 0. */
export const durationValue: ValueParser<number> = (text) => {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) return expected('a duration such as 500ms, 30s, 10m or 1h', text);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ok(ms) : expected('a duration longer than 0', text);
};

export function matching(pattern: RegExp, what: string): ValueParser<string> {
  return (text) => (pattern.test(text) ? ok(text) : expected(what, text));
}

/**
 * `none` (no client-side limits: the simulator), or a comma list of
 * `family=RPS` or `family=RPS/WRITE_RPS`, e.g. `account-scim=10/2,workspace-scim=4`.
 */
export const rateLimitsValue: ValueParser<FamilyLimitsConfig> = (text) => {
  if (text.trim() === '') return ok({});
  if (text.trim() === 'none') return ok(unlimitedFamilyLimits());
  const limits: FamilyLimitsConfig = {};
  for (const item of text.split(',')) {
    const match = /^\s*([a-z-]+)=(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?\s*$/.exec(item);
    if (!match || !(match[1]! in DEFAULT_FAMILY_LIMITS)) {
      return expected(`family=RPS[/WRITE_RPS],... or none, with a family from ${Object.keys(DEFAULT_FAMILY_LIMITS).join(', ')}`, item);
    }
    limits[match[1] as ApiFamily] = {
      requestsPerSecond: Number(match[2]),
      ...(match[3] === undefined ? {} : { writeRequestsPerSecond: Number(match[3]) }),
    };
  }
  return ok(limits);
};

/**
 * Comma-separated `host[:port]` or `*.domain` entries the operator trusts
 * with credentials besides Databricks' own domains (a private endpoint, the
 * simulator in tests). Every bad entry is named.
 */
export const allowedHostsValue: ValueParser<HostPattern[]> = (text) => {
  const patterns: HostPattern[] = [];
  const problems: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const result = parseHostPattern(entry);
    if (result.ok) patterns.push(result.pattern);
    else problems.push(`"${entry}" ${result.reason}`);
  }
  return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : ok(patterns);
};

/** An IP address (`0.0.0.0`, `127.0.0.1`, `::`) or a host name such as `localhost`. */
export const bindAddressValue: ValueParser<string> = (text) => {
  const address = text.trim();
  if (isIP(address) !== 0 || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address)) return ok(address);
  return expected('an IP address or host name (e.g. 0.0.0.0, 127.0.0.1, ::)', text);
};

/** `notebooks,grants,cluster-policies`: kind names, singular or plural. */
export const kindsValue: ValueParser<ActionKind[]> = (text) => {
  const kinds: ActionKind[] = [];
  for (const name of text.split(',').map((k) => k.trim()).filter(Boolean)) {
    const kind = ACTION_KINDS.find((k) => k === name || `${k}s` === name || (k.endsWith('y') && `${k.slice(0, -1)}ies` === name));
    if (!kind) return { ok: false, problem: `unknown kind "${name}" (known: ${ACTION_KINDS.join(', ')})` };
    kinds.push(kind);
  }
  return ok(kinds);
};

/** The base URL of a Databricks simulator: http(s), a host and a port, nothing else (`http://127.0.0.1:8765`). */
export const simulatorUrlValue: ValueParser<string> = (text) => {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return expected('a URL such as http://127.0.0.1:8765', text);
  }
  // The text itself stays out of this message: user info in a URL may be a password.
  if (url.username || url.password) return { ok: false, problem: 'the simulator URL must not carry a user or password' };
  const bare = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  if (!/^https?:$/.test(url.protocol) || !bare) return expected('the simulator\'s base URL, http://HOST:PORT without a path', text);
  return ok(url.origin);
};

/** `adb-1.azuredatabricks.net` -> `https://adb-1.azuredatabricks.net` (the SDKs assume https). */
export function normaliseHost(host: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, '');
}

/** One flag: how it is written and read, where it applies, and what `--help` says of it. */
export interface FlagSpec<T> {
  /** The placeholder of its value in help (`N`, `DURATION`); absent for a switch, which takes none. */
  readonly value?: string;
  /** Its variable, read when the flag is not given. */
  readonly env: string;
  /** The commands that take it: any other command refuses it, and ignores its variable. */
  readonly commands: readonly Command[];
  readonly help: string;
  /** The default as help shows it; absent when the value is off or depends on something else. */
  readonly shownDefault?: string;
  readonly fallback: T;
  /** The flag's value (a switch: its variable's) as text -> the value, or what was expected. */
  readonly parse: ValueParser<T>;
}

export const switchFlag = (spec: Pick<FlagSpec<boolean>, 'env' | 'commands' | 'help'> & { parse?: ValueParser<boolean> }): FlagSpec<boolean> => ({
  fallback: false,
  parse: switchValue,
  ...spec,
});
export const valueFlag = <T>(spec: FlagSpec<T> & { value: string }): FlagSpec<T> => spec;
