/**
 * The controller's status page: a pure function of the status, one
 * self-contained HTML document (inline style, no scripts, no external
 * assets), so it renders behind any proxy and can be served with a strict
 * Content-Security-Policy. Every interpolated value goes through `escapeHtml`:
 * target names and errors come from the desired state, which anyone with
 * write access to the repository controls.
 */
import type { ControllerStatus } from './http-server.js';

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.4rem; margin-bottom: .25rem; }
  h2 { font-size: 1.1rem; margin-top: 1.75rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  th { background: #f6f8fa; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f6f8fa; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; }
  .badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-weight: 600; font-size: 12px; }
  .ok { background: #dafbe1; color: #116329; }
  .bad { background: #ffebe9; color: #a40e26; }
  .warn { background: #fff8c5; color: #7d4e00; }
  .muted { color: #656d76; }
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

export function statusPage(status: ControllerStatus): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>onboarder status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>onboarder</h1>
<p>${badge(status.ready ? 'ready' : 'not ready', status.ready ? 'ok' : 'bad')}
${badge(status.leader ? 'leader (writes)' : 'follower (observes only)', status.leader ? 'ok' : 'warn')}
${status.wedged ? badge('wedged', 'bad') : ''}</p>
${status.wedged ? `<p>Since ${time(status.wedged.since)}: ${escapeHtml(status.wedged.reason)}</p>` : ''}
<nav><a href="/metrics">/metrics</a><a href="/healthz">/healthz</a><a href="/readyz">/readyz</a><a href="/status.json">/status.json</a></nav>
${revisionSection(status)}
${rejectedSection(status.rejected)}
${reconcileSection(status.lastReconcile)}
<h2>Next resync</h2>
<p>${status.nextResyncAt ? time(status.nextResyncAt) : '<span class="muted">not scheduled</span>'}</p>
${driftSection(status.drift)}
</body>
</html>
`;
}

function revisionSection(status: ControllerStatus): string {
  const body = status.revision
    ? `<p>Revision <code>${escapeHtml(status.revision.id)}</code>, loaded ${time(status.revision.loadedAt)}</p>`
    : '<p class="muted">No valid revision loaded yet.</p>';
  return `<h2>Revision in force</h2>\n${body}`;
}

function rejectedSection(rejected: ControllerStatus['rejected']): string {
  if (!rejected) return '';
  const errors = rejected.errors.map((error) => `<li><code>${escapeHtml(error)}</code></li>`).join('\n');
  return `<h2>Rejected revision</h2>
<p>${badge('rejected', 'bad')} Revision <code>${escapeHtml(rejected.id)}</code> at ${time(rejected.at)}; the revision in force stays until a valid one arrives.</p>
<ul>
${errors}
</ul>`;
}

function reconcileSection(last: ControllerStatus['lastReconcile']): string {
  if (!last) return '<h2>Last reconcile</h2>\n<p class="muted">No reconcile has run yet.</p>';
  const tone = last.result === 'success' ? 'ok' : 'bad';
  const { create, update, delete: remove, waiting, reported, blocked } = last.summary;
  const seconds = (last.finishedAt.getTime() - last.startedAt.getTime()) / 1000;
  const membership = last.membershipRemovalsBlocked;
  // `blocked` counts every held action; a held membership is one action per group, not a deletion.
  const heldMemberships = membership?.groups.length ?? 0;
  const held =
    (last.deletionsBlocked === undefined ? '' : `\n<p>${badge(`${blocked - heldMemberships} deletions blocked`, 'warn')} ${escapeHtml(last.deletionsBlocked)}</p>`) +
    (membership === undefined ? '' : `\n<p>${badge(`${membership.removals} membership removals blocked`, 'warn')} ${escapeHtml(membership.reason)}</p>`) +
    (last.confirmToken === undefined ? '' : `\n<p>To let exactly what is held through, once (a one-time Job): <code>onboarder apply --confirm-deletions=${escapeHtml(last.confirmToken)}</code></p>`);
  return `<h2>Last reconcile</h2>
<p>${badge(last.result, tone)} Revision <code>${escapeHtml(last.id)}</code>, started ${time(last.startedAt)}, took ${escapeHtml(seconds.toFixed(1))}s</p>
<table>
<thead><tr><th>create</th><th>update</th><th>delete</th><th>waiting</th><th>reported</th><th>failed</th></tr></thead>
<tbody><tr>${[create, update, remove, waiting, reported, last.failed].map((n) => `<td>${escapeHtml(n)}</td>`).join('')}</tr></tbody>
</table>${held}${last.error === undefined ? '' : `\n<pre>${escapeHtml(last.error)}</pre>`}`;
}

function driftSection(drift: ControllerStatus['drift']): string {
  if (drift.length === 0) return '<h2>Drift</h2>\n<p class="muted">None: live state matches the desired state.</p>';
  const rows = drift
    .map((d) => `<tr><td>${d.customer === '' ? '<span class="muted">(account)</span>' : escapeHtml(d.customer)}</td><td>${escapeHtml(d.kind)}</td><td>${escapeHtml(d.change)}</td><td><code>${escapeHtml(d.target)}</code></td></tr>`)
    .join('\n');
  return `<h2>Drift (${drift.length})</h2>
<table>
<thead><tr><th>customer</th><th>kind</th><th>change</th><th>target</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function badge(text: string, tone: 'ok' | 'bad' | 'warn'): string {
  return `<span class="badge ${tone}">${escapeHtml(text)}</span>`;
}

function time(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso)}</time>`;
}
