/**
 * The controller's status page: a pure function from status to a small,
 * self-contained HTML document (no scripts, no external assets). Every
 * interpolated value is escaped: target names come from the desired state.
 */
import type { ControllerStatus } from './http-server.js';

export function statusPage(status: ControllerStatus): string {
  const revision = status.revision ? `${code(status.revision.id)} since ${time(status.revision.loadedAt)}` : 'none loaded yet';
  const rejected = status.rejected
    ? `<section class="bad"><h2>Rejected revision ${code(status.rejected.id)}</h2><p>at ${time(status.rejected.at)}; the revision above stays in force.</p><ul>${status.rejected.errors
        .map((e) => `<li>${code(e)}</li>`)
        .join('')}</ul></section>`
    : '';
  const last = status.lastReconcile;
  const reconcile = last
    ? `${escape(last.result)} at ${time(last.finishedAt)} (${((last.finishedAt.getTime() - last.startedAt.getTime()) / 1000).toFixed(1)} s, id ${code(last.id)}): ` +
      `${last.summary.create} to create, ${last.summary.update} to update, ${last.summary.delete} to delete, ${last.summary.waiting} waiting, ` +
      `${last.summary.reported} reported; ${last.failed} failed${last.error ? `: ${escape(last.error)}` : ''}`
    : 'none yet';
  const drift =
    status.drift.length === 0
      ? '<p>No drift: live state matches the desired state.</p>'
      : `<table><thead><tr><th>customer</th><th>kind</th><th>change</th><th>target</th></tr></thead><tbody>${status.drift
          .map((d) => `<tr><td>${escape(d.customer)}</td><td>${escape(d.kind)}</td><td>${escape(d.change)}</td><td>${escape(d.target)}</td></tr>`)
          .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>onboarder</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}code{background:#f3f3f3;padding:0 .2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.bad{color:#a00}</style></head>
<body><h1>onboarder</h1>
<ul>
<li>Ready: ${status.ready ? 'yes' : 'no'}</li>
<li>Role: ${status.leader ? 'leader (writes)' : 'follower (observes only)'}</li>
<li>Revision in force: ${revision}</li>
<li>Last reconcile: ${reconcile}</li>
<li>Next resync: ${status.nextResyncAt ? time(status.nextResyncAt) : 'not scheduled'}</li>
</ul>
${rejected}
<h2>Drift (${status.drift.length})</h2>
${drift}
<p><a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="/status.json">/status.json</a></p>
</body></html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function code(text: string): string {
  return `<code>${escape(text)}</code>`;
}

function time(date: Date): string {
  return escape(date.toISOString());
}
