/** What a rotation tells the operator: words on stdout, or one JSON object with --json. Never a cookie. */
import type { Ctx } from '../context.js';
import type { Journal } from './journal.js';
import type { RunOutcome } from './orchestrate.js';
import { evidenceLine, type NodeEvidence } from './verify.js';

export interface RotationReport {
  rotation: string;
  state: Journal['state'] | 'verify-failed';
  oldFingerprint: string;
  newFingerprint: string;
  nodes: string[];
  skipped: string[];
  steps: Journal['records'];
  failures: RunOutcome['failures'];
  verify: NodeEvidence[];
  backups: string[];
  next: string[];
}

export function buildReport(j: Journal, outcome: RunOutcome, verify: NodeEvidence[]): RotationReport {
  const verifyFailed = outcome.state === 'complete' && verify.some((e) => !e.ok);
  return {
    rotation: j.id,
    state: verifyFailed ? 'verify-failed' : outcome.state,
    oldFingerprint: j.oldFingerprint,
    newFingerprint: j.newFingerprint,
    nodes: j.nodes.map((n) => n.node),
    skipped: j.skipped,
    steps: j.records,
    failures: outcome.failures,
    verify,
    backups:
      outcome.state === 'complete'
        ? [...j.nodes.map((n) => `${n.node}:${n.backup}`), ...(j.localBackup ? [`local:${j.localBackup}`] : [])]
        : [],
    next: nextSteps(j, outcome, verifyFailed),
  };
}

function nextSteps(j: Journal, outcome: RunOutcome, verifyFailed: boolean): string[] {
  const next: string[] = [];
  if (outcome.state === 'rolled-back') {
    next.push('Nothing changed: every node still uses the old cookie. Fix the failure above and run `ejctl cookie rotate` again.');
    return next;
  }
  const down = new Set(outcome.failures.filter((f) => f.id.startsWith('switch ') && isDown(f.detail)).map((f) => f.id.slice(7)));
  for (const f of outcome.failures) {
    const node = f.id.split(' ')[1] ?? '?';
    if (down.has(node)) {
      if (f.id.startsWith('switch '))
        next.push(
          `${node}: down or unreachable: it still has the old cookie in its file, and its peers use the new one for it. Start it as it is, then run \`ejctl cookie rotate --resume\`: it switches the node and brings it back into the cluster.`,
        );
    } else if (f.id.startsWith('switch '))
      next.push(
        `${node}: its cookie file and default cookie are still the old ones while its peers use the new cookie for it; do not restart it before \`ejctl cookie rotate --resume\` succeeds (or, on its host, \`ejctl cookie import --force\` with the new cookie, fingerprint ${j.newFingerprint}).`,
      );
    else if (f.id.startsWith('shared-key '))
      next.push(`${node}: shared_key not updated; \`ejctl cookie rotate --resume\` retries it (or restart ${node}).`);
    else next.push(`${f.id}: failed; \`ejctl cookie rotate --resume\` retries it.`);
  }
  if (verifyFailed)
    next.push(
      'Verification found a node that does not agree (see above); `ejctl cookie rotate --resume` runs the checks again after you fix it.',
    );
  for (const s of j.skipped) {
    next.push(
      `${s} was skipped: before starting it, store the new cookie on its host (\`ejctl cookie import --force\`, reading it from a rotated host's cookie file; fingerprint ${j.newFingerprint}). The running nodes already use the new cookie for it.`,
    );
  }
  if (outcome.state === 'complete' && !verifyFailed)
    next.push('The old cookie is kept in 0400 backups until you run `ejctl cookie rotate --finalize`.');
  return next;
}

/** The session's reply when the node could not be reached (src/rotate/sessionScript.ts reduces errors to atoms). */
const isDown = (detail: string): boolean => /^"(nodedown|noconnection|timeout)"/.test(detail);

export function printReport(ctx: Pick<Ctx, 'stdout'>, r: RotationReport, json: boolean): void {
  if (json) {
    ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  if (r.state === 'complete') lines.push(`Rotated the cookie of ${r.nodes.length} node(s): ${r.nodes.join(', ')}`);
  else if (r.state === 'rolled-back') lines.push('The rotation failed before any node switched and was rolled back.');
  else lines.push(`The rotation is not complete (${r.state}).`);
  lines.push(`Old cookie fingerprint: ${r.oldFingerprint}`, `New cookie fingerprint: ${r.newFingerprint}`);
  for (const f of r.failures) lines.push(`Failed: ${f.id}: ${f.detail}`);
  if (r.verify.length > 0) lines.push('Evidence:', ...r.verify.map((e) => `  ${evidenceLine(e)}`));
  if (r.backups.length > 0) lines.push('Backups of the old cookie (0400):', ...r.backups.map((b) => `  ${b}`));
  lines.push(...r.next);
  ctx.stdout.write(`${lines.join('\n')}\n`);
}
