/**
 * `ejctl setup` as a pipeline of small steps (as create-astro runs its wizard):
 * detect -> ask -> plan -> confirm -> apply -> next steps. Nothing is written before the
 * confirmation; with --dry-run nothing is written at all.
 */
import type { Ctx } from '../context.js';
import type { LocationFlags } from '../config/settings.js';
import { loadSettings } from '../config/load.js';
import { Exit } from '../errors.js';
import { lookupGroupName, lookupUid } from '../system/users.js';
import { askQuestions } from './ask.js';
import { askTlsAndFirewall } from './askTls.js';
import { applyPlan, type ApplyResult } from './apply.js';
import { detect, fileState } from './detect.js';
import { describeNextSteps, nextSteps, type NextSteps } from './nextSteps.js';
import { buildSetupPlan } from './plan.js';
import { assertCanWriteSetupFiles } from './writable.js';
import { createPrompter, type Prompter } from './prompt.js';
import { describeSetupPlan, planJson, type Names } from './show.js';
import { planChangesSomething, type SetupFlags, type SetupPlan } from './types.js';
import { planSetupFirewall } from './firewallStep.js';
import { withProgress } from '../progress.js';
import { describeTlsPlan, planSetupTls, readTlsMaterial, runSetupTls } from './tlsStep.js';
import { describeFirewallPlan, runFirewallPlan } from '../firewall/apply.js';

export type SetupCtx = Pick<Ctx, 'uid' | 'files' | 'env' | 'now' | 'stdin' | 'stdout' | 'stderr'>;

export async function runSetup(ctx: SetupCtx, flags: SetupFlags, location: LocationFlags): Promise<number> {
  const prompter = createPrompter(ctx);
  const detected = await detect(ctx, location, flags.systemdDir);
  if (!flags.dryRun) assertCanWriteSetupFiles(detected, ctx);
  const { answers, secrets } = await askQuestions(detected, flags, prompter, ctx);
  const plan = buildSetupPlan(detected, answers, secrets, fileState);
  const names = namesFor(ctx);
  // The wizard asks about TLS and the firewall for a cluster; flags and --yes decide as they did.
  const decided = { ...flags, ...(await askTlsAndFirewall(detected, flags, prompter, plan.answers)) };
  const firewall = planSetupFirewall(detected, plan, decided);
  const tls = planSetupTls(detected, plan.answers.topology, decided);
  const tlsMaterial = readTlsMaterial(tls, plan.answers.node);
  const changes = planChangesSomething(plan) || firewall !== undefined || tlsMaterial !== undefined;
  const described = describeSetupPlan(plan, names) + describeTlsPlan(tls) + (firewall ? describeFirewallPlan(firewall) : '');
  if (flags.dryRun) {
    ctx.stdout.write(flags.json ? `${JSON.stringify({ dryRun: true, ...planJson(plan) }, null, 2)}\n` : described);
    return Exit.ok;
  }
  if (!flags.json) ctx.stdout.write(described);
  else if (changes && !flags.yes) ctx.stderr.write(described); // seen before the confirmation
  if (changes && !(await confirmed(flags, prompter))) {
    ctx.stderr.write('ejctl: setup cancelled: nothing was changed\n');
    return Exit.error;
  }
  // Each step shows a progress line on a terminal while it runs (src/progress.ts).
  const result = planChangesSomething(plan)
    ? await withProgress(ctx, 'Writing the cfg and the cookie', () => applyPlan(plan, secrets, detected, ctx))
    : undefined;
  if (tlsMaterial) {
    await withProgress(ctx, 'Installing the TLS files', async () => runSetupTls(ctx, loadSettings(ctx, location).settings, tlsMaterial));
  }
  if (firewall) await withProgress(ctx, 'Loading the firewall', () => runFirewallPlan(firewall));
  // The settings as they are now, so the audit judges the result, not the previous state.
  const after = loadSettings(ctx, location).settings;
  const steps = await withProgress(ctx, 'Checking the result', () => nextSteps(ctx, detected, plan, result, after));
  ctx.stdout.write(
    flags.json
      ? `${JSON.stringify(resultJson(plan, changes, result, steps), null, 2)}\n`
      : describeResult(changes, result) + describeNextSteps(steps, firewall !== undefined),
  );
  return Exit.ok;
}

async function confirmed(flags: SetupFlags, p: Prompter): Promise<boolean> {
  if (flags.yes) return true;
  return p.confirm({ message: 'Apply these changes?', flag: '--yes', default: true });
}

function describeResult(changes: boolean, r: ApplyResult | undefined): string {
  if (!changes || !r) return ''; // the plan already said there is nothing to change
  const lines = ['Done.'];
  if (r.cfgBackup) lines.push(`The previous ejabberdctl.cfg is kept in ${r.cfgBackup}.`);
  if (r.cookieBackup) lines.push(`The previous cookie is kept in ${r.cookieBackup} (mode 0400).`);
  return `${lines.join('\n')}\n`;
}

function resultJson(plan: SetupPlan, changes: boolean, r: ApplyResult | undefined, n: NextSteps): Record<string, unknown> {
  return {
    dryRun: false,
    ...planJson(plan),
    changed: changes,
    backups: { cfg: r?.cfgBackup ?? null, cookie: r?.cookieBackup ?? null },
    cookieFingerprint: n.cookieFingerprint ?? null,
    firewall: { openPorts: n.firewall.openPorts, nftables: n.firewall.nftables, ufw: n.firewall.ufw },
    restart: n.restart,
    audit: { findings: n.audit.findings, skipped: n.audit.skipped },
  };
}

function namesFor(ctx: Pick<Ctx, 'files'>): Names {
  return {
    user: (uid) => lookupUid(ctx.files, uid)?.name ?? String(uid),
    group: (gid) => lookupGroupName(ctx.files, gid) ?? String(gid),
  };
}
