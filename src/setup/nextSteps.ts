/**
 * Step 6: what to do next, in the order the operator needs it: the firewall rules for this
 * choice, how to restart so the changes take effect, the cookie's fingerprint to compare on the
 * other nodes, then the audit of the result.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { parseFirewallWindow } from '../config/validate.js';
import { runAudit } from '../audit/index.js';
import { severityRank, SEVERITIES, type AuditReport, type Severity } from '../audit/types.js';
import { firewallRules, type FirewallInput, type FirewallRules } from './firewall.js';
import { STANDARD_LISTENERS } from './listeners.js';
import type { ApplyResult } from './apply.js';
import type { Detected, SetupPlan } from './types.js';

export interface NextSteps {
  firewall: FirewallRules;
  restart: string[];
  cookieFingerprint: string | undefined;
  audit: AuditReport;
}

export async function nextSteps(
  ctx: Pick<Ctx, 'uid' | 'files' | 'env' | 'now'>,
  d: Detected,
  plan: SetupPlan,
  result: ApplyResult | undefined,
  after: Settings,
): Promise<NextSteps> {
  const firewall = firewallRules(firewallInput(d, plan));
  const audit = await runAudit(ctx, after, { roots: { systemdDir: d.systemdDir } });
  return { firewall, restart: restartAdvice(d, plan, result), cookieFingerprint: result?.cookieFingerprint ?? d.cookie.fingerprint, audit };
}

/** What the firewall rules are made from: the answers and ejabberd.yml's listeners. */
export function firewallInput(d: Pick<Detected, 'listeners'>, plan: Pick<SetupPlan, 'answers'>): FirewallInput {
  const window = parseFirewallWindow(plan.answers.firewallWindow);
  return {
    topology: plan.answers.topology,
    listeners: d.listeners ?? STANDARD_LISTENERS,
    peers: plan.answers.peers,
    window: typeof window === 'string' ? { min: 4370, max: 4379 } : window,
  };
}

/**
 * A restart only when the running node reads something at boot that changed: the cfg or the
 * cookie (permission fixes apply at once). `ejctl restart-vm`, not `ejctl restart`: ejabberd's
 * restart keeps the VM, with the distribution settings and cookie it booted with.
 */
function restartAdvice(d: Detected, plan: SetupPlan, result: ApplyResult | undefined): string[] {
  if (!result) return ['Nothing changed: no restart needed.'];
  const cookieChanged = plan.cookie.action !== 'none';
  const bootTime = plan.cfg.newText !== undefined || cookieChanged;
  const dropin = plan.systemEpmd?.newText !== undefined;
  const lines: string[] = [];
  if (!d.nodeRunning) {
    lines.push(...systemEpmdAdvice(plan, result));
    if (bootTime) lines.push('ejabberd is not running: the new settings apply when it starts (ejctl start, or systemctl start ejabberd).');
    else if (!dropin) lines.push('No restart needed: nothing ejabberd reads at boot changed (permission fixes apply at once).');
  } else if (dropin) {
    lines.push(...stopRestartEpmdStart(plan, result));
  } else if (bootTime) {
    lines.push(
      "Restart the node's VM so it reads the new settings: ejctl restart-vm",
      cookieChanged
        ? '  (it stops the node with the previous cookie, which it still runs on, and starts it with the new one)'
        : "  (not 'ejctl restart': that is ejabberd's restart inside the running VM, which keeps its old distribution settings)",
    );
  } else {
    lines.push('No restart needed: nothing the running node reads at boot changed (permission fixes apply at once).');
  }
  if (plan.systemEpmd?.newText === undefined && plan.cfg.changes.some((c) => c.name === 'ERL_EPMD_ADDRESS')) {
    const declined = plan.systemEpmd?.declined
      ? ' EPMD comes from epmd.socket/epmd.service here, which ignores ERL_EPMD_ADDRESS: restrict it (ejctl setup --restrict-system-epmd).'
      : '';
    lines.push(
      `EPMD keeps the addresses it was started with: once no Erlang node runs, stop it (epmd -kill) so the next start binds it anew.${declined}`,
    );
  }
  return lines;
}

/** The node must be down while EPMD restarts, and registers again when it starts. */
function stopRestartEpmdStart(plan: SetupPlan, result: ApplyResult): string[] {
  const stopWith = result.cookieBackup ? `--cookie-file ${result.cookieBackup} ` : '';
  return [
    `EPMD comes from systemd's epmd.socket: the drop-in ${plan.systemEpmd?.path ?? ''} takes effect when it restarts. Stop ejabberd${stopWith ? ' (with the previous cookie, which it still runs on)' : ''}, restart EPMD, then start ejabberd (a node registers with EPMD only when it starts):`,
    `  ejctl ${stopWith}stop && ejctl stopped`,
    '  systemctl daemon-reload && systemctl restart epmd.socket',
    '  ejctl start && ejctl started',
  ];
}

/** First, because a node registers with EPMD only when it starts: a restarted EPMD has forgotten it. */
function systemEpmdAdvice(plan: SetupPlan, result: ApplyResult | undefined): string[] {
  const dropin = plan.systemEpmd;
  if (dropin?.newText === undefined || !result) return [];
  return [
    `EPMD comes from systemd's epmd.socket: the drop-in ${dropin.path} takes effect when it restarts. Restart EPMD while ejabberd is stopped, then start ejabberd (a node registers with EPMD only when it starts):`,
    '  systemctl daemon-reload && systemctl restart epmd.socket',
  ];
}

export function describeNextSteps(n: NextSteps, firewallApplied = false): string {
  const out = [
    '',
    'Next steps',
    '',
    firewallApplied
      ? '1. Firewall rules for this choice (the nftables table inet ejctl below is loaded and persisted):'
      : '1. Firewall rules for this choice (nothing was changed in your firewall):',
    '',
    n.firewall.nftables,
    n.firewall.ufw,
  ];
  for (const l of n.firewall.otherListeners) {
    out.push(`Not opened: ${l.module} on port ${l.port}; open it yourself if it must face the network.`);
  }
  out.push('', '2. Restart:', ...n.restart.map((l) => `   ${l}`));
  out.push(
    '',
    `3. Cookie fingerprint: ${n.cookieFingerprint ?? '(no readable cookie)'}`,
    '   Compare it with `ejctl cookie fingerprint` on every other node of the cluster.',
  );
  out.push('', `4. Audit: ${auditSummary(n.audit)}`);
  for (const f of n.audit.findings.filter((x) => severityRank(x.severity) >= severityRank('medium'))) {
    out.push(`   [${f.severity}] ${f.title}: ${f.evidence}`, `      fix: ${f.fix}`);
  }
  for (const s of n.audit.skipped) out.push(`   skipped ${s.check}: ${s.reason}`);
  return `${out.join('\n')}\n`;
}

export function auditSummary(a: AuditReport): string {
  const counts = SEVERITIES.map((s: Severity) => [s, a.findings.filter((f) => f.severity === s).length] as const).reverse();
  const text = counts
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return text ? `${text} (run ejctl audit for the details)` : 'no findings';
}
