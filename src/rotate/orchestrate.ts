/**
 * Walks the steps in order, journaling each before the next starts. A failure before the first
 * switch rolls everything back (nothing a restart would see had changed). A failure at or after
 * the switch completes the rotation on the other nodes and reports exactly what the failed ones
 * need: their peers already use the new cookie for them, so the way forward is to finish.
 */
import type { Ctx } from '../context.js';
import { buildSteps, isBeforeSwitch, stepId, type Step } from './plan.js';
import { writeJournal, type Journal } from './journal.js';
import { runStep, undoStep, type StepContext } from './steps.js';

export interface RunOutcome {
  state: 'complete' | 'rolled-back' | 'failed';
  failures: { id: string; detail: string }[];
}

/** Test-only fault injection: SIGKILL ourselves right after this many steps were journaled. */
export const KILL_AFTER_ENV = 'EJCTL_TEST_KILL_AFTER_STEP';

export function journalSteps(j: Pick<Journal, 'nodes' | 'skipped' | 'localFile'>): Step[] {
  return buildSteps({ nodes: j.nodes.map((n) => n.node), skipped: j.skipped, localFile: j.localFile });
}

export async function runSteps(
  ctx: Pick<Ctx, 'env' | 'stderr' | 'now'>,
  sc: StepContext,
  journal: Journal,
  path: string,
): Promise<RunOutcome> {
  const killAfter = Number(ctx.env[KILL_AFTER_ENV] ?? NaN);
  const failures: RunOutcome['failures'] = [];
  const done = new Set(journal.records.filter((r) => r.ok).map((r) => r.id));
  const steps = journalSteps(journal);
  for (const [index, step] of steps.entries()) {
    const id = stepId(step);
    if (done.has(id)) continue;
    const t0 = ctx.now();
    let r;
    try {
      r = await runStep(sc, step);
    } catch (err) {
      r = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    const ms = Math.round((ctx.now() - t0) * 10) / 10;
    journal.records.push({ id, ok: r.ok, ms, ...(r.detail === undefined ? {} : { detail: r.detail }) });
    if ('localBackup' in r && r.localBackup) journal.localBackup = r.localBackup;
    writeJournal(path, journal);
    ctx.stderr.write(
      `ejctl: [${index + 1}/${steps.length}] ${id}: ${r.ok ? 'ok' : 'FAILED'} (${ms} ms)${r.detail ? ` ${r.detail}` : ''}\n`,
    );
    if (index + 1 === killAfter) process.kill(process.pid, 'SIGKILL');
    if (r.ok) continue;
    failures.push({ id, detail: r.detail ?? 'failed' });
    if (isBeforeSwitch(step)) {
      if (await rollBack(ctx, sc, steps.slice(0, index + 1), journal, path)) return { state: 'rolled-back', failures };
      failures.push({
        id: 'rollback',
        detail: 'some pairs could not be set back to the old cookie; `ejctl cookie rotate --resume` completes the rotation instead',
      });
      return { state: 'failed', failures };
    }
  }
  return { state: failures.length === 0 ? 'complete' : 'failed', failures };
}

/**
 * Undoes the early steps, newest first. True when every pin is back to the old cookie: a pin
 * left on the new one would refuse a node restarted with the old file, so then the journal keeps
 * the cookies and the way out is --resume (forward).
 */
async function rollBack(ctx: Pick<Ctx, 'stderr'>, sc: StepContext, steps: Step[], journal: Journal, path: string): Promise<boolean> {
  ctx.stderr.write('ejctl: rolling back: no node had switched yet\n');
  let pinsUndone = true;
  for (const step of [...steps].reverse()) {
    const ok = await undoStep(sc, step);
    const pin = step.kind === 'pin' || step.kind === 'pin-down';
    if (!ok && pin) pinsUndone = false;
    ctx.stderr.write(`ejctl: undo ${stepId(step)}: ${ok ? 'ok' : pin ? 'FAILED' : 'could not be undone (harmless: nothing uses it)'}\n`);
  }
  if (pinsUndone) {
    journal.state = 'rolled-back';
    delete journal.cookies;
    writeJournal(path, journal);
  }
  return pinsUndone;
}
