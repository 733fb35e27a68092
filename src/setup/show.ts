/**
 * Step 4's words: the plan for people (every file, old and new values and modes) and as JSON.
 * Neither holds a secret: cookies appear only as fingerprints.
 */
import { formatMode } from '../system/files.js';
import type { FileState, SetupPlan } from './types.js';
import { planChangesSomething } from './types.js';

export interface Names {
  user: (uid: number) => string;
  group: (gid: number) => string;
}

const fileState = (s: FileState | undefined, n: Names): string =>
  s ? `${formatMode(s.mode)} ${n.user(s.uid)}:${n.group(s.gid)}` : '(new file)';

export function describeSetupPlan(plan: SetupPlan, n: Names): string {
  const out: string[] = [`The plan (${plan.answers.topology === 'single' ? 'single node' : 'cluster member'} ${plan.answers.node}):`];
  const { cfg } = plan;
  const where = cfg.path === cfg.realPath ? cfg.path : `${cfg.path} -> ${cfg.realPath}`;
  if (cfg.newText === undefined) {
    out.push(`  ${where}: unchanged`);
  } else {
    out.push(`  ${where}:`);
    const width = Math.max(0, ...cfg.changes.map((c) => c.name.length));
    for (const c of cfg.changes) {
      const how = c.how === 'update' ? `line ${c.line ?? '?'}` : 'appended';
      out.push(`    ${c.name.padEnd(width)}  ${c.old ?? '(not set)'} -> ${c.new}  (${how})`);
    }
    out.push(
      `    file: ${fileState(cfg.from, n)} -> ${fileState(cfg.to, n)}${cfg.from ? ', the current file kept as a backup with its owner and mode' : ''}`,
    );
  }
  const cookie = plan.cookie;
  const fp = cookie.fingerprint ? ` (fingerprint ${cookie.fingerprint})` : '';
  out.push(`  ${cookie.path}: ${cookie.action === 'none' ? 'unchanged' : `${cookie.action}: ${cookie.reason}`}${fp}`);
  const dropin = plan.systemEpmd;
  if (dropin?.newText === undefined) {
    if (dropin) out.push(`  ${dropin.path}: unchanged (${dropin.note})`);
  } else {
    out.push(
      `  ${dropin.path}: ListenStream= ${dropin.listen.join(' ')} (${dropin.note})`,
      `    file: ${fileState(dropin.from, n)} -> ${fileState(dropin.to, n)}`,
    );
  }
  for (const f of plan.fixes) {
    out.push(`  ${f.path}: mode ${f.fromMode === undefined ? '?' : formatMode(f.fromMode)} -> ${formatMode(f.toMode)} (${f.title})`);
  }
  for (const w of plan.warnings) out.push(`  note: ${w}`);
  if (!planChangesSomething(plan)) out.push('Nothing to change: this installation is already set up this way.');
  return `${out.join('\n')}\n`;
}

/** The plan as JSON: the cfg's new text is left out (it is the file itself), its changes are in. */
export function planJson(plan: SetupPlan): Record<string, unknown> {
  const state = (s: FileState | undefined) => (s ? { mode: formatMode(s.mode), uid: s.uid, gid: s.gid } : null);
  return {
    changes: planChangesSomething(plan),
    answers: plan.answers,
    cfg: {
      path: plan.cfg.path,
      realPath: plan.cfg.realPath,
      write: plan.cfg.newText !== undefined,
      changes: plan.cfg.changes.map((c) => ({ name: c.name, old: c.old ?? null, new: c.new, how: c.how, line: c.line ?? null })),
      from: state(plan.cfg.from),
      to: state(plan.cfg.to),
    },
    cookie: {
      path: plan.cookie.path,
      action: plan.cookie.action,
      reason: plan.cookie.reason,
      owner: plan.cookie.owner,
      fingerprint: plan.cookie.fingerprint ?? null,
    },
    fixes: plan.fixes.map((f) => ({
      path: f.path,
      id: f.id,
      from: f.fromMode === undefined ? null : formatMode(f.fromMode),
      to: formatMode(f.toMode),
    })),
    systemEpmd: plan.systemEpmd
      ? {
          path: plan.systemEpmd.path,
          write: plan.systemEpmd.newText !== undefined,
          listen: plan.systemEpmd.listen,
          declined: plan.systemEpmd.declined,
          note: plan.systemEpmd.note,
          from: state(plan.systemEpmd.from),
          to: state(plan.systemEpmd.to),
        }
      : null,
    warnings: plan.warnings,
  };
}
