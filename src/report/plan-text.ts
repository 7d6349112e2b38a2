/**
 * Renders a plan the way platform engineers know it from terraform: one line
 * per action with +, ~, - markers, details indented below, a summary line.
 */
import type { DesiredStateIssue } from '../domain/errors.js';
import type { Action, Change, Plan } from '../domain/plan.js';
import type { ApplyReport } from '../apply/executor.js';

const MARKER: Record<Change, string> = { create: '+', update: '~', delete: '-' };
const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const CHANGE_COLOUR: Record<Change, string> = { create: ANSI.green, update: ANSI.yellow, delete: ANSI.red };

export interface FormatOptions {
  colour: boolean;
  /** The desired-state folder, for the commands the plan suggests; default `[DIR]`. */
  dir?: string;
}

export function formatPlan(plan: Plan, options: FormatOptions): string {
  const paint = (colour: string, text: string) => (options.colour ? `${colour}${text}${ANSI.reset}` : text);
  const pending = plan.actions.filter((a) => a.status === 'pending');
  const held = plan.actions.filter((a) => a.status !== 'pending');
  const lines: string[] = [];
  const notes = planNotes(plan, options.dir ?? '[DIR]').map((note) => paint(ANSI.bold, note));
  if (pending.length === 0 && held.length === 0) {
    return [paint(ANSI.green, 'No changes. Live state matches the desired state.'), ...notes].join('\n') + '\n';
  }
  const kindWidth = Math.max(...plan.actions.map((a) => a.kind.length));
  const line = (action: Action) => {
    const marker = paint(CHANGE_COLOUR[action.change], MARKER[action.change]);
    const customer = action.customer ? paint(ANSI.dim, `  (${action.customer})`) : '';
    lines.push(`  ${marker} ${action.kind.padEnd(kindWidth)}  ${action.target}${customer}`);
    for (const detail of action.details) lines.push(`      ${colourDetail(detail, paint)}`);
    if (action.details.length === 0 && action.change === 'create' && action.after) {
      const summary = Object.entries(action.after)
        .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join('; ');
      if (summary) lines.push(paint(ANSI.dim, `      ${summary}`));
    }
    if (action.details.length === 0 && action.change === 'update' && action.before && action.after) {
      for (const [key, value] of Object.entries(action.after)) {
        const was = action.before[key];
        if (JSON.stringify(was) !== JSON.stringify(value)) lines.push(`      ${key}: ${show(was)} -> ${show(value)}`);
      }
    }
    if (action.reason) lines.push(paint(ANSI.dim, `      ${action.reason}`));
  };
  if (pending.length > 0) {
    lines.push('onboarder will perform the following actions:', '');
    pending.forEach(line);
    lines.push('');
  }
  if (held.length > 0) {
    lines.push('Drift onboarder reports but will not change now:', '');
    held.forEach(line);
    lines.push('');
  }
  lines.push(paint(ANSI.bold, summaryLine(plan)), ...notes);
  return lines.join('\n') + '\n';
}

/** What the operator can do next: confirm what the guards hold, and finish an offboarding. */
function planNotes(plan: Plan, dir: string): string[] {
  const notes: string[] = [];
  const confirmation = plan.confirmation;
  if (confirmation?.confirmed) {
    notes.push(`Confirmed by --confirm-deletions=${confirmation.token}: the ${confirmation.actions} actions the guards held are planned above.`);
  } else if (confirmation) {
    notes.push(`--confirm-deletions=${confirmation.token} confirms nothing (${confirmation.reason}): nothing held goes through.`);
  }
  if (plan.confirmToken) {
    // One token for everything held: deletions and membership removals alike.
    const held = plan.summary.blocked;
    notes.push(`To let exactly the ${held} held ${held === 1 ? 'action' : 'actions'} through, once: onboarder apply ${dir} --confirm-deletions=${plan.confirmToken}`);
  }
  for (const { customer, owned, source } of plan.offboarding ?? []) {
    notes.push(
      owned === 0
        ? `Offboarding ${customer} is complete: onboarder owns nothing of it any more. Its Customer (${source.file}) and Roster can be deleted now.`
        : `Offboarding ${customer}: onboarder still owns ${owned} of its objects. Keep its Customer (${source.file}) until a plan says the offboarding is complete.`,
    );
  }
  return notes;
}

export function summaryLine(plan: Plan): string {
  const { create, update, delete: remove, waiting, reported } = plan.summary;
  let text = `Plan: ${create} to create, ${update} to update, ${remove} to delete.`;
  if (waiting > 0) text += ` ${waiting} waiting.`;
  if (reported > 0) text += ` ${reported} reported only.`;
  const block = plan.pruneBlocked;
  if (block) {
    const why = block.deletes > block.budget ? `budget ${block.budget}` : `customer ${(block.vanishedCustomers ?? []).join(', ')} no longer declared`;
    text += ` ${block.deletes} deletions BLOCKED (${why}; --allow-mass-delete to confirm).`;
  }
  const membership = plan.membershipRemovalsBlocked;
  if (membership) {
    const groups = membership.groups.map((g) => `${g.group} ${g.removals} of ${g.members}`).join(', ');
    text += ` ${membership.removals} membership removals BLOCKED (${groups}; --allow-mass-delete to confirm).`;
  }
  return text;
}

export function formatApplyReport(report: ApplyReport, options: FormatOptions): string {
  const paint = (colour: string, text: string) => (options.colour ? `${colour}${text}${ANSI.reset}` : text);
  const lines = report.results.map((r) => {
    const verb = r.outcome === 'succeeded' ? paint(ANSI.green, 'done   ') : r.outcome === 'failed' ? paint(ANSI.red, 'FAILED ') : paint(ANSI.yellow, 'skipped');
    const tail = r.error ? `: ${r.error}` : '';
    return `  ${verb} ${MARKER[r.action.change]} ${r.action.kind} ${r.action.target}${tail}`;
  });
  lines.push('', paint(ANSI.bold, `Apply complete: ${report.succeeded} succeeded, ${report.failed} failed, ${report.skipped} skipped.`));
  return lines.join('\n') + '\n';
}

/**
 * A revision's verdict as data for `validate --json`, and for `plan --json`
 * when the desired state is rejected: every issue with its location, its
 * stable `code` (what tools match) and its message.
 */
export function desiredStateToJson(issues: readonly DesiredStateIssue[]): { formatVersion: 1; valid: boolean; issues: readonly DesiredStateIssue[] } {
  return { formatVersion: 1, valid: issues.length === 0, issues };
}

/** The plan as data for `plan --json`: the same actions, without the executor's operation internals. */
export function planToJson(plan: Plan): unknown {
  return {
    formatVersion: 1,
    summary: plan.summary,
    issues: plan.issues,
    ...(plan.confirmToken ? { confirmToken: plan.confirmToken } : {}),
    ...(plan.confirmation ? { confirmation: plan.confirmation } : {}),
    ...(plan.offboarding ? { offboarding: plan.offboarding.map(({ customer, owned, source }) => ({ customer, owned, document: source.file, complete: owned === 0 })) } : {}),
    actions: plan.actions.map(({ op: _op, ...action }) => action),
  };
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  return Array.isArray(value) ? `[${value.join(', ')}]` : JSON.stringify(value);
}

function colourDetail(detail: string, paint: (c: string, t: string) => string): string {
  if (detail.startsWith('+ ')) return paint(ANSI.green, detail);
  if (detail.startsWith('- ')) return paint(ANSI.red, detail);
  if (detail.startsWith('~ ')) return paint(ANSI.yellow, detail);
  return paint(ANSI.dim, detail);
}
