/**
 * The pieces the status pages share: one self-contained HTML document per
 * page (inline style, no scripts, no external assets), so it renders behind
 * any proxy and can be served with a strict Content-Security-Policy. Every
 * interpolated value goes through `escapeHtml`: target names and errors come
 * from the desired state, which anyone with write access to the repository
 * controls.
 */
import type { DriftState } from './drift.js';
import type { ControllerStatus } from './status.js';
import type { SyncStatus } from './sync-status.js';

/** The pages refresh themselves: an operator leaves one open while a change rolls out. */
export const REFRESH_SECONDS = 15;

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 76rem; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.4rem; margin-bottom: .25rem; }
  h2 { font-size: 1.1rem; margin-top: 1.75rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
  h3 { font-size: 1rem; margin-top: 1.25rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  th { background: #f6f8fa; }
  td.num, th.num { text-align: right; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f6f8fa; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; }
  .badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-weight: 600; font-size: 12px; white-space: nowrap; }
  .ok { background: #dafbe1; color: #116329; }
  .bad { background: #ffebe9; color: #a40e26; }
  .warn { background: #fff8c5; color: #7d4e00; }
  .info { background: #ddf4ff; color: #0550ae; }
  .banner { padding: .6rem .9rem; border-radius: .4rem; margin: .75rem 0; font-weight: 500; }
  .banner.warn { border: 1px solid #d4a72c; }
  .banner.info { border: 1px solid #54aeff; }
  .banner.bad { border: 1px solid #ff8182; }
  .muted { color: #656d76; }
  .error { color: #a40e26; }
  ul.diff { list-style: none; margin: 0; padding: 0; font-family: ui-monospace, monospace; font-size: 12px; }
  summary { cursor: pointer; color: #656d76; font-size: 12px; }
  ins { background: #dafbe1; text-decoration: none; }
  del { background: #ffebe9; }
  nav a { margin-right: 1rem; }
`;

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'info';

export function badge(text: string, tone: Tone): string {
  return `<span class="badge ${tone}">${escapeHtml(text)}</span>`;
}

const SYNC_TONE: Record<SyncStatus, Tone> = { Synced: 'ok', OutOfSync: 'warn', Failed: 'bad', Blocked: 'warn', BackingOff: 'bad' };

export function syncBadge(status: SyncStatus): string {
  return badge(status, SYNC_TONE[status]);
}

const DRIFT_TONE: Record<DriftState, Tone> = { failed: 'bad', skipped: 'warn', held: 'warn', blocked: 'warn', observed: 'info', waiting: 'info', pending: 'info' };

export function driftBadge(state: DriftState): string {
  return badge(state, DRIFT_TONE[state]);
}

export function time(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso)}</time>`;
}

/** `3m 20s ago`, with the exact time as the element's datetime. */
export function ago(date: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  const text = seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : seconds < 86_400 ? `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m` : `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
  return `<time datetime="${escapeHtml(date.toISOString())}" title="${escapeHtml(date.toISOString())}">${escapeHtml(text)} ago</time>`;
}

/** Long texts (an API error) are cut on the overview; the customer's page has them whole. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function customerHref(name: string): string {
  return `/customers/${encodeURIComponent(name)}`;
}

/** A git-sync worktree's revision id is its commit; a plain folder's is a hash of its content. */
export function revisionLabel(id: string): string {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id) ? `commit <code>${escapeHtml(id)}</code>` : `content <code>${escapeHtml(id)}</code> (not a git checkout)`;
}

/** Observe mode and a follower's role, said plainly at the top of every page. */
export function banners(status: ControllerStatus): string {
  const parts: string[] = [];
  if (status.observe.mode === 'observe') {
    parts.push(`<p class="banner info">Observe mode: onboarder writes nothing. Everything listed as drift is reported only (<code>--mode=observe</code>).</p>`);
  } else if (status.observe.kinds.length > 0) {
    parts.push(`<p class="banner info">Observed only, never written: ${status.observe.kinds.map((k) => `<code>${escapeHtml(k)}</code>`).join(', ')} (<code>--observe-kinds</code>).</p>`);
  }
  const { leadership } = status;
  if (leadership.election && !status.leader) {
    const holder = leadership.holder === null ? 'no replica holds the Lease right now' : `the leader is <code>${escapeHtml(leadership.holder)}</code>`;
    parts.push(`<p class="banner warn">Follower: this replica (<code>${escapeHtml(leadership.replica)}</code>) observes only and writes nothing; ${holder}. Its drift is what it found, not applied.</p>`);
  }
  if (status.wedged) parts.push(`<p class="banner bad">Wedged since ${time(status.wedged.since)}: ${escapeHtml(status.wedged.reason)}</p>`);
  return parts.join('\n');
}

export function leadershipLine(status: ControllerStatus): string {
  const { leadership } = status;
  const replica = `Replica <code>${escapeHtml(leadership.replica)}</code>`;
  if (!leadership.election) return `<p>${replica}; no leader election: this replica is the only one.</p>`;
  const holder = leadership.holder === null ? '<span class="muted">nobody holds the Lease</span>' : `<code>${escapeHtml(leadership.holder)}</code>`;
  return `<p>${replica} (${status.leader ? 'the leader' : 'a follower'}); Lease holder: ${holder}.</p>`;
}

export function nav(): string {
  return '<nav><a href="/">overview</a><a href="/metrics">/metrics</a><a href="/healthz">/healthz</a><a href="/readyz">/readyz</a><a href="/status.json">/status.json</a></nav>';
}
