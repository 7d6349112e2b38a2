/**
 * Runs a plan in waves (each action carries its own, see domain/action-key.ts). Never throws for one action: a
 * failure is recorded, and only the actions that depend on it are skipped,
 * so other customers proceed.
 */
import type { Logger } from 'pino';
import { abortReasonText, stableCode } from '../domain/errors.js';
import type { ActionResult, ApplyReport, Outcome } from '../domain/apply-report.js';
import type { Action, Plan } from '../domain/plan.js';

export type { ActionResult, ApplyReport, Outcome } from '../domain/apply-report.js';

/** Carries out one action; throws on failure. */
export type ActionRunner = (action: Action) => Promise<void>;

export interface ExecuteOptions {
  logger: Logger;
  clock?: () => number;
  /** Called after each action, e.g. to count it in the metrics. */
  onResult?: (result: ActionResult) => void;
  /**
   * Asked before each action starts: a reason means "start nothing more"
   * (shutting down, leadership lost); the action is skipped with it.
   * Actions already running finish.
   */
  holdReason?: () => string | undefined;
  /**
   * The pass's signal: once it aborts, no action starts (it is held like
   * above, with the abort's reason); the requests of running ones are
   * cancelled by the client, so those fail with ABORTED.
   */
  signal?: AbortSignal;
}

export async function executePlan(plan: Plan, run: ActionRunner, options: ExecuteOptions): Promise<ApplyReport> {
  const clock = options.clock ?? (() => performance.now() / 1000);
  const outcomes = new Map<string, Outcome>();
  const results: ActionResult[] = [];
  const planned = new Set(plan.actions.map((a) => a.id));

  const record = (result: ActionResult) => {
    outcomes.set(result.action.id, result.outcome);
    results.push(result);
    options.onResult?.(result);
  };

  for (const wave of waves(plan.actions.filter((a) => a.status === 'pending'))) {
    await Promise.all(
      wave.map(async (action) => {
        const blocker = action.dependsOn.find((dep) => planned.has(dep) && outcomes.get(dep) !== 'succeeded');
        const log = options.logger.child({ action: action.id, customer: action.customer ?? undefined });
        const held = holdReason(options);
        if (held !== undefined) {
          log.warn({ reason: held }, 'skipped: not starting new actions');
          record({ action, outcome: 'skipped', error: held, skippedBecause: 'held', seconds: 0 });
          return;
        }
        if (blocker !== undefined) {
          log.warn({ blockedBy: blocker }, 'skipped: a dependency did not succeed');
          record({ action, outcome: 'skipped', error: `depends on ${blocker}, which did not succeed`, skippedBecause: 'dependency', seconds: 0 });
          return;
        }
        const started = clock();
        try {
          await run(action);
          const seconds = clock() - started;
          log.info({ change: action.change, kind: action.kind, target: action.target, seconds }, whatChanged(action));
          record({ action, outcome: 'succeeded', seconds });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const errorCode = stableCode(error) ?? 'UNKNOWN';
          log.error({ change: action.change, kind: action.kind, target: action.target, errorCode, err: message }, 'action failed');
          record({ action, outcome: 'failed', error: message, errorCode, seconds: clock() - started });
        }
      }),
    );
  }

  // Report in plan order, not in the order concurrent actions happened to finish.
  const position = new Map(plan.actions.map((a, i) => [a.id, i]));
  results.sort((a, b) => position.get(a.action.id)! - position.get(b.action.id)!);
  // Waiting and reported actions are not run; dependants of waiting ones were already left out by the diff.
  return {
    results,
    succeeded: results.filter((r) => r.outcome === 'succeeded').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
  };
}

/** How many of an action's detail lines its log line carries; the plan output has them all. */
const LOGGED_DETAILS = 10;
const DONE: Record<Action['change'], string> = { create: 'created', update: 'updated', delete: 'deleted' };

/** The `applied` line says what changed: `membership customer-acme-analysts members: + jane@x, - joe@x`. */
export function whatChanged(action: Action): string {
  const shown = action.details.slice(0, LOGGED_DETAILS).map((line) => line.trim());
  const more = action.details.length - shown.length;
  const what = shown.length === 0 ? DONE[action.change] : shown.join(', ') + (more > 0 ? `, … ${more} more` : '');
  return `${action.kind} ${action.target}: ${what}`;
}

function holdReason(options: ExecuteOptions): string | undefined {
  const held = options.holdReason?.();
  if (held !== undefined) return held;
  return options.signal?.aborted ? abortReasonText(options.signal) : undefined;
}

function waves(actions: Action[]): Action[][] {
  const byWave = new Map<number, Action[]>();
  for (const action of actions) {
    byWave.set(action.wave, [...(byWave.get(action.wave) ?? []), action]);
  }
  return [...byWave.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
}
