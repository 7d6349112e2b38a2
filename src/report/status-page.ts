/**
 * The controller's status page (`/`): a pure function of the status. One
 * row per customer with its sync status and drift count (problems first);
 * the drift items themselves are on each customer's page, so the overview
 * stays small with hundreds of customers and thousands of items. Blocked
 * deletions are listed object by object with the way to confirm them.
 */
import { SYNC_STATUSES, type CustomerSync } from './sync-status.js';
import { ago, badge, banners, customerHref, document, escapeHtml, leadershipLine, nav, revisionLabel, shorten, syncBadge, time } from './page-parts.js';
import { confirmDeletionsHint, type ControllerStatus } from './status.js';

export { escapeHtml } from './page-parts.js';
export { customerPage } from './customer-page.js';

/** Blocked deletions listed on the overview; the rest are on the customers' pages and in /status.json. */
const BLOCKED_SHOWN = 100;
const ERROR_CHARS = 160;

export function statusPage(status: ControllerStatus, now: Date = new Date()): string {
  return document(
    'onboarder status',
    `<h1>onboarder</h1>
<p>${badge(status.ready ? 'ready' : 'not ready', status.ready ? 'ok' : 'bad')}
${status.observe.mode === 'observe' ? badge('observe mode (no writes)', 'info') : badge(status.leader ? 'leader (writes)' : 'follower (observes only)', status.leader ? 'ok' : 'warn')}
${status.wedged ? badge('wedged', 'bad') : ''}</p>
${banners(status)}
${leadershipLine(status)}
${nav()}
${rejectedSection(status.rejected)}
${customersSection(status.customers, now)}
${blockedSection(status)}
${revisionSection(status)}
${reconcileSection(status.lastReconcile)}
<h2>Next resync</h2>
<p>${status.nextResyncAt ? time(status.nextResyncAt) : '<span class="muted">not scheduled</span>'}</p>`,
  );
}

function revisionSection(status: ControllerStatus): string {
  const body = status.revision
    ? `<p>${revisionLabel(status.revision.id)}, loaded ${time(status.revision.loadedAt)}</p>`
    : '<p class="muted">No valid revision loaded yet.</p>';
  return `<h2>Revision in force</h2>\n${body}`;
}

function rejectedSection(rejected: ControllerStatus['rejected']): string {
  if (!rejected) return '';
  const errors = rejected.errors.map((error) => `<li><code>${escapeHtml(error)}</code></li>`).join('\n');
  return `<h2>Rejected revision</h2>
<p>${badge('rejected', 'bad')} ${revisionLabel(rejected.id)} at ${time(rejected.at)}; the revision in force stays until a valid one arrives.</p>
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
    (last.confirmToken === undefined ? '' : `\n<p>To let exactly what is held through, once (the one-time Job in deploy/): <code>${escapeHtml(confirmDeletionsHint(last.confirmToken))}</code></p>`);
  const revision = last.revision === null ? '' : ` with ${revisionLabel(last.revision)}`;
  return `<h2>Last reconcile</h2>
<p>${badge(last.result, tone)} Pass <code>${escapeHtml(last.id)}</code>${revision}, started ${time(last.startedAt)}, took ${escapeHtml(seconds.toFixed(1))}s</p>
<p class="muted">What the plan held at the start of the pass (the drift below is what is left after it):</p>
<table>
<thead><tr><th>create</th><th>update</th><th>delete</th><th>waiting</th><th>reported</th><th>failed</th></tr></thead>
<tbody><tr>${[create, update, remove, waiting, reported, last.failed].map((n) => `<td>${escapeHtml(n)}</td>`).join('')}</tr></tbody>
</table>${held}${last.error === undefined ? '' : `\n<pre>${escapeHtml(last.error)}</pre>`}`;
}

function customersSection(customers: readonly CustomerSync[], now: Date): string {
  if (customers.length === 0) return '<h2>Customers</h2>\n<p class="muted">No customer declared yet.</p>';
  const counts = SYNC_STATUSES.map((s) => [s, customers.filter((c) => c.status === s).length] as const).filter(([, n]) => n > 0);
  const drift = customers.reduce((sum, c) => sum + c.drift, 0);
  const summary = `${customers.length} customers: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}; ${drift === 0 ? 'no drift' : `${drift} objects out of sync`}.`;
  // Problems first, in the order of the sync rule; then by name.
  const rank = (c: CustomerSync) => SYNC_STATUSES.indexOf(c.status);
  const rows = [...customers]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map(
      (c) =>
        `<tr id="customer-${escapeHtml(c.name)}"><td><a href="${escapeHtml(customerHref(c.name))}">${escapeHtml(c.name)}</a></td><td>${syncBadge(c.status)}</td><td class="num">${c.drift}</td>` +
        `<td>${c.lastError === null ? '' : `<span class="error">${escapeHtml(shorten(c.lastError, ERROR_CHARS))}</span>`}${c.status === 'Synced' || c.lastError !== null ? '' : `<span class="muted">${escapeHtml(shorten(c.reason, ERROR_CHARS))}</span>`}</td>` +
        `<td>${c.backoffUntil === null ? '' : time(c.backoffUntil)}</td><td>${c.lastSyncedAt === null ? '<span class="muted">never</span>' : ago(c.lastSyncedAt, now)}</td></tr>`,
    )
    .join('\n');
  return `<h2>Customers</h2>
<p>${escapeHtml(summary)}</p>
<table>
<thead><tr><th>customer</th><th>status</th><th class="num">drift</th><th>last error / reason</th><th>backoff until</th><th>last synced</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function blockedSection(status: ControllerStatus): string {
  const blocked = status.drift.filter((item) => item.state === 'blocked' && item.change === 'delete');
  if (blocked.length === 0) return '';
  const token = status.lastReconcile?.confirmToken;
  const confirm = token === undefined ? undefined : confirmDeletionsHint(token);
  const rows = blocked
    .slice(0, BLOCKED_SHOWN)
    .map((item) => `<tr><td><a href="${escapeHtml(customerHref(item.customer))}">${escapeHtml(item.customer)}</a></td><td>${escapeHtml(item.kind)}</td><td><code>${escapeHtml(item.target)}</code></td></tr>`)
    .join('\n');
  const more = blocked.length > BLOCKED_SHOWN ? `\n<p class="muted">${blocked.length - BLOCKED_SHOWN} more on the customers' pages and in /status.json.</p>` : '';
  return `<h2>Blocked deletions (${blocked.length})</h2>
<p>${escapeHtml(status.lastReconcile?.deletionsBlocked ?? 'The deletion guard holds these objects back.')}</p>
${confirm === undefined ? '' : `<p>To delete them once, after checking the list: <code>${escapeHtml(confirm)}</code></p>`}
<table>
<thead><tr><th>customer</th><th>kind</th><th>object</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>${more}`;
}
