/**
 * `ejctl cookie rotate`: replace the cookie of a live cluster with no downtime and no lock-out.
 * See docs/rotate.md for the design and the facts it rests on.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { EjctlError, Exit, usageError } from '../errors.js';
import { readCookie } from '../cookie/read.js';
import { generateCookie } from '../cookie/generate.js';
import { cookieFingerprint } from '../cookie/fingerprint.js';
import { cookieOwner } from '../cookie/store.js';
import { describeStep, nodeFiles, rotationIdAt, stepId, type NodeFiles } from './plan.js';
import { ensureStateDir, journalPath, readJournal, stateDir, takeLock, writeJournal, type Journal } from './journal.js';
import { buildSessionLaunch, openSession, type Session } from './session.js';
import { controlSetup, warnControl } from '../erl/controlSetup.js';
import { discover, plainTcpHosts, reach, type Discovery } from './preflight.js';
import { journalSteps, runSteps } from './orchestrate.js';
import { gatherEvidence, rejoinMesh } from './verify.js';
import { buildReport, printReport } from './report.js';
import { finalizeRotation } from './finalize.js';
import type { StepContext } from './steps.js';

export { checkCluster } from './check.js';

export interface RotateOptions {
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  skipDown: string[];
  resume: boolean;
  finalize: boolean;
}

type RotateCtx = Pick<Ctx, 'env' | 'uid' | 'files' | 'stdout' | 'stderr' | 'now'>;

/** ejctl itself, as each node runs it on its own host to write its cookie file. */
export const EJCTL_JS = fileURLToPath(new URL('../../bin/ejctl.js', import.meta.url));

export async function runRotate(ctx: RotateCtx, settings: Settings, opts: RotateOptions): Promise<number> {
  if ([opts.resume, opts.finalize, opts.dryRun].filter(Boolean).length > 1)
    throw usageError('--resume, --finalize and --dry-run exclude each other');
  warnControl(ctx, controlSetup(ctx, settings));
  if (opts.dryRun) return dryRun(ctx, settings, opts);
  const dir = stateDir(ctx);
  ensureStateDir(dir, ctx.uid);
  const path = journalPath(dir, settings.node);
  const release = takeLock(dir, ctx);
  try {
    const existing = readJournal(path);
    if (opts.finalize) return await finalizeRotation(ctx, settings, existing, path, opts.json);
    if (opts.resume) {
      if (!existing?.cookies || existing.state === 'rolled-back') throw usageError(`there is no unfinished rotation to resume (${path})`);
      return await execute(ctx, settings, existing, path, opts.json, true);
    }
    if (existing && existing.state !== 'rolled-back') {
      throw new EjctlError(
        existing.state === 'complete'
          ? `the last rotation (${existing.id}) still keeps backups of the old cookie`
          : `a rotation (${existing.id}) is unfinished`,
        Exit.error,
        {
          hint:
            existing.state === 'complete'
              ? 'Run `ejctl cookie rotate --finalize` first.'
              : 'Run `ejctl cookie rotate --resume` to complete it.',
        },
      );
    }
    const journal = await prepare(ctx, settings, opts);
    writeJournal(path, journal);
    return await execute(ctx, settings, journal, path, opts.json, false);
  } finally {
    release();
  }
}

/** Preflight with a fresh new cookie; returns the journal of the rotation, not yet started. */
async function prepare(ctx: RotateCtx, settings: Settings, opts: RotateOptions): Promise<Journal> {
  const cookies = { old: readCookie(settings, ctx.uid), new: generateCookie() };
  const session = await openSession(buildSessionLaunch(settings, ctx), cookies);
  try {
    const d = await discover(session, settings.node, opts.skipDown);
    confirmNetwork(ctx, d, settings, opts.yes);
    return newJournal(d, settings, cookies, rotationIdAt(new Date()));
  } finally {
    await session.close();
  }
}

function confirmNetwork(ctx: RotateCtx, d: Discovery, settings: Settings, yes: boolean): void {
  const hosts = plainTcpHosts(d, settings.nodeName.host);
  if (hosts.length === 0) return;
  const warning = `the nodes are on several hosts (${hosts.join(', ')}) and use plain TCP distribution: the new cookie will cross the network unencrypted, like every distribution message`;
  if (!yes) throw usageError(warning, 'Pass --yes to accept, or switch the cluster to TLS distribution first.');
  ctx.stderr.write(`ejctl: warning: ${warning} (accepted with --yes)\n`);
}

function newJournal(d: Discovery, settings: Settings, cookies: { old: string; new: string }, id: string): Journal {
  const nodes: NodeFiles[] = d.live.map((n) => nodeFiles(n, d.info.get(n)?.cookieFile ?? '', id));
  const seedFile = nodes.find((n) => n.node === d.seed)?.cookieFile;
  const local = resolve(settings.cookieFile);
  return {
    version: 1,
    id,
    seed: d.seed,
    startedAt: new Date().toISOString(),
    state: 'running',
    cookies,
    oldFingerprint: cookieFingerprint(cookies.old),
    newFingerprint: cookieFingerprint(cookies.new),
    nodes,
    skipped: d.skipped,
    mesh: Object.fromEntries(d.live.map((n) => [n, d.info.get(n)?.nodes ?? []])),
    localFile: local === seedFile ? undefined : local,
    steps: [],
    records: [],
  };
}

async function execute(
  ctx: RotateCtx,
  settings: Settings,
  journal: Journal,
  path: string,
  json: boolean,
  resuming: boolean,
): Promise<number> {
  const cookies = journal.cookies;
  if (!cookies) throw new EjctlError(`the journal ${path} holds no cookies`, Exit.error);
  journal.steps = journalSteps(journal).map(stepId);
  journal.state = 'running';
  writeJournal(path, journal);
  const plan = buildSessionLaunch(settings, ctx);
  const session = await openSession(plan, cookies);
  try {
    await connectAll(ctx, session, journal, resuming);
    const outcome = await runSteps(ctx, stepContext(ctx, settings, session, journal, cookies.new), journal, path);
    if (outcome.state === 'complete') await rejoinMesh(ctx, session, journal.mesh);
    const evidence =
      outcome.state === 'complete'
        ? await gatherEvidence(
            session,
            plan,
            cookies,
            journal.nodes.map((n) => n.node),
            journal.mesh,
          )
        : [];
    const report = buildReport(journal, outcome, evidence);
    journal.state = report.state === 'complete' ? 'complete' : report.state === 'rolled-back' ? 'rolled-back' : 'failed';
    if (journal.state === 'complete') delete journal.cookies;
    writeJournal(path, journal);
    printReport(ctx, report, json);
    return journal.state === 'complete' ? Exit.ok : Exit.error;
  } finally {
    await session.close();
  }
}

/** Every node, with the cookie it accepts now: the new one once its switch is done. */
async function connectAll(ctx: RotateCtx, session: Session, journal: Journal, resuming: boolean): Promise<void> {
  const switched = new Set(journal.records.filter((r) => r.ok && r.id.startsWith('switch ')).map((r) => r.id.slice('switch '.length)));
  for (const { node } of journal.nodes) {
    const first = switched.has(node) ? 'new' : 'old';
    const got = await reach(session, node, first, resuming ? (first === 'new' ? 'old' : 'new') : undefined);
    if (!got) ctx.stderr.write(`ejctl: warning: cannot reach ${node} with either cookie; its steps will fail\n`);
  }
}

function stepContext(ctx: RotateCtx, settings: Settings, session: Session, journal: Journal, newCookie: string): StepContext {
  return {
    session,
    files: new Map(journal.nodes.map((n) => [n.node, n])),
    // Where node and ejctl live on the nodes' hosts: like here, unless said otherwise.
    writer: { exe: ctx.env.EJCTL_REMOTE_NODE ?? process.execPath, ejctlJs: ctx.env.EJCTL_REMOTE_EJCTL ?? EJCTL_JS },
    newCookie,
    localOwner: journal.localFile === undefined ? undefined : cookieOwner(settings, ctx).owner,
  };
}

async function dryRun(ctx: RotateCtx, settings: Settings, opts: RotateOptions): Promise<number> {
  const journal = await prepare(ctx, settings, opts);
  const files = new Map(journal.nodes.map((n) => [n.node, n]));
  const lines = [
    `Would rotate the cookie of ${journal.nodes.length} node(s) (a new cookie is generated when it runs; nothing was changed):`,
    ...journalSteps(journal).map((s, i) => `  ${i + 1}. ${describeStep(s, files)}`),
    '  then: verify with fresh connections (new cookie accepted, old rejected) and compare the mesh.',
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return Exit.ok;
}
