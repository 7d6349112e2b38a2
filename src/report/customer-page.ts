/**
 * One customer's page (`/customers/<name>`): its sync status and its drift
 * items grouped by kind, each with its before/after, capped per kind (the
 * full list is in /status.json) so a customer with thousands of items still
 * renders at once.
 */
import { countByState, describeCounts, type DriftItem } from './drift.js';
import type { Readable } from '../domain/plan.js';
import { ago, banners, document, driftBadge, escapeHtml, leadershipLine, nav, revisionLabel, shorten, syncBadge, time } from './page-parts.js';
import { confirmDeletionsHint, type ControllerStatus } from './status.js';

/** Items shown per kind; the rest are counted ("N more"). */
export const ITEMS_PER_KIND = 25;
/** A value of a before/after (a long member list) is cut here; /status.json has it whole. */
const VALUE_CHARS = 300;

/** Undefined when the status knows no such customer (404). */
export function customerPage(status: ControllerStatus, name: string, now: Date = new Date()): string | undefined {
  const customer = status.customers.find((c) => c.name === name);
  if (!customer) return undefined;
  const items = status.drift.filter((item) => item.customer === name);
  const facts = [
    `<p>${syncBadge(customer.status)} ${escapeHtml(customer.reason)}</p>`,
    '<ul>',
    `<li>Last synced: ${customer.lastSyncedAt === null ? 'never (since this replica started)' : ago(customer.lastSyncedAt, now)}</li>`,
    customer.backoffUntil === null ? '' : `<li>Backing off until ${time(customer.backoffUntil)}</li>`,
    customer.lastError === null ? '' : `<li>Last error: <span class="error">${escapeHtml(customer.lastError)}</span></li>`,
    status.revision === null ? '' : `<li>Revision in force: ${revisionLabel(status.revision.id)}</li>`,
    '</ul>',
  ].filter(Boolean);
  return document(
    `onboarder: ${name}`,
    `<h1>Customer ${escapeHtml(name)}</h1>
${banners(status)}
${leadershipLine(status)}
${nav()}
${facts.join('\n')}
${driftSection(items, status.lastReconcile?.confirmToken)}`,
  );
}

function driftSection(items: readonly DriftItem[], confirmToken: string | undefined): string {
  if (items.length === 0) return '<h2>Drift</h2>\n<p class="muted">None: live state matches the desired state.</p>';
  const byKind = new Map<string, DriftItem[]>();
  for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  const blockedDeletes = items.some((item) => item.state === 'blocked' && item.change === 'delete');
  const confirm = blockedDeletes && confirmToken !== undefined ? `\n<p>Blocked deletions are confirmed once with <code>${escapeHtml(confirmDeletionsHint(confirmToken))}</code>.</p>` : '';
  const sections = [...byKind.entries()].map(([kind, list]) => {
    const rows = list.slice(0, ITEMS_PER_KIND).map(itemRow).join('\n');
    const more = list.length > ITEMS_PER_KIND ? `\n<p class="muted">${list.length - ITEMS_PER_KIND} more ${escapeHtml(kind)} items (all in /status.json).</p>` : '';
    return `<h3>${escapeHtml(kind)} (${list.length})</h3>
<table>
<thead><tr><th>change</th><th>object</th><th>state</th><th>why</th><th>before → after</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>${more}`;
  });
  return `<h2>Drift (${items.length}: ${escapeHtml(describeCounts(countByState(items)))})</h2>${confirm}
${sections.join('\n')}`;
}

function itemRow(item: DriftItem): string {
  const why = [item.reason === undefined ? '' : escapeHtml(shorten(item.reason, VALUE_CHARS)), item.errorCode === undefined ? '' : `<code>${escapeHtml(item.errorCode)}</code>`].filter(Boolean).join(' ');
  return `<tr><td>${escapeHtml(item.change)}</td><td><code>${escapeHtml(item.target)}</code></td><td>${driftBadge(item.state)}</td><td>${why}</td><td>${changeList(item)}</td></tr>`;
}

/**
 * The fields that differ, before and after. When the plan has detail lines
 * (`+ jane@x`) they say it shorter, and the fields fold away under them
 * (`<details>` needs no script).
 */
function changeList(item: DriftItem): string {
  const list = (lines: string[]) => (lines.length === 0 ? '' : `<ul class="diff">${lines.map((line) => `<li>${line}</li>`).join('')}</ul>`);
  const fields = list(fieldChanges(item.before, item.after));
  if (item.details.length === 0) return fields;
  const details = list(item.details.map((line) => escapeHtml(shorten(line.trim(), VALUE_CHARS))));
  return fields === '' ? details : `${details}<details><summary>before → after</summary>${fields}</details>`;
}

function fieldChanges(before: Readable | null, after: Readable | null): string[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const lines: string[] = [];
  for (const key of keys) {
    const was = before?.[key];
    const now = after?.[key];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    const parts = [was === undefined || was === null ? '' : `<del>${show(was)}</del>`, now === undefined || now === null ? '' : `<ins>${show(now)}</ins>`].filter(Boolean);
    lines.push(`${escapeHtml(key)}: ${parts.join(' → ')}`);
  }
  return lines;
}

function show(value: Readable[string]): string {
  const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return escapeHtml(shorten(text, VALUE_CHARS));
}
