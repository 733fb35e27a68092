/**
 * `ejctl cookie check --cluster`: every cluster node, seen through one control session with the
 * cookie in COOKIE_FILE: does it accept that cookie, does its own cookie file hold what it runs
 * with, do its per-peer cookies and shared_key agree. A node whose file and memory disagree
 * (a rotation interrupted by hand, a file edited on a live node) is reported: a restart would
 * change its cookie.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { Exit } from '../errors.js';
import { readCookie } from '../cookie/read.js';
import { cookieFingerprint } from '../cookie/fingerprint.js';
import { buildSessionLaunch, openSession } from './session.js';
import { controlSetup, warnControl } from '../erl/controlSetup.js';
import { nodeInfo, reach, type NodeInfo } from './preflight.js';

export interface NodeCheck {
  node: string;
  reachable: boolean;
  problems: string[];
}

export async function checkCluster(
  ctx: Pick<Ctx, 'uid' | 'files' | 'stdout' | 'stderr'>,
  settings: Settings,
  opts: { json: boolean },
): Promise<number> {
  warnControl(ctx, controlSetup(ctx, settings));
  const cookie = readCookie(settings, ctx.uid);
  const session = await openSession(buildSessionLaunch(settings, ctx), { old: cookie, new: undefined });
  const checks: NodeCheck[] = [];
  try {
    const seedOk = await reach(session, settings.node, 'old');
    const cluster = seedOk
      ? ((await session.call('cluster', settings.node)).ok as { running?: string[]; known?: string[] } | undefined)
      : undefined;
    const known = Array.isArray(cluster?.known) ? cluster.known : [settings.node];
    const running = Array.isArray(cluster?.running) ? cluster.running : [];
    for (const node of known) {
      if (seedOk && !running.includes(node)) {
        checks.push({ node, reachable: false, problems: ['not running (a cluster member that is down)'] });
        continue;
      }
      const i = (await reach(session, node, 'old')) ? await nodeInfo(session, node) : undefined;
      checks.push(
        i
          ? { node, reachable: true, problems: infoProblems(i) }
          : { node, reachable: false, problems: ['does not accept the cookie in COOKIE_FILE, or is down'] },
      );
    }
  } finally {
    await session.close();
  }
  const fingerprint = cookieFingerprint(cookie);
  if (opts.json) ctx.stdout.write(`${JSON.stringify({ fingerprint, nodes: checks }, null, 2)}\n`);
  else ctx.stdout.write([`COOKIE_FILE ${settings.cookieFile}: fingerprint ${fingerprint}`, ...checks.map(checkLine)].join('\n') + '\n');
  return checks.every((c) => c.problems.length === 0) ? Exit.ok : Exit.cookie;
}

/** "old" here means "the cookie in COOKIE_FILE": the session knows only that one. */
export function infoProblems(i: NodeInfo): string[] {
  const p: string[] = [];
  if (i.cookie !== 'old') p.push('runs with a default cookie other than the one in COOKIE_FILE');
  if (!i.file.exists) p.push(`its cookie file ${i.cookieFile} cannot be read`);
  else if (i.file.content !== 'old')
    p.push(`its cookie file ${i.cookieFile} does not hold the cookie it runs with: a restart would change its cookie`);
  else if (i.file.mode !== undefined && (i.file.mode & 0o077) !== 0)
    p.push(`its cookie file ${i.cookieFile} has mode 0${i.file.mode.toString(8)}`);
  const odd = Object.entries(i.pins)
    .filter(([, l]) => l !== 'old')
    .map(([peer]) => peer);
  if (odd.length > 0) p.push(`uses another cookie for ${odd.join(', ')}: a reconnection there would fail`);
  if (i.sharedKey !== 'old')
    p.push('its ejabberd shared_key is not derived from this cookie (IQ ids and dialback keys differ across nodes)');
  return p;
}

function checkLine(c: NodeCheck): string {
  if (c.problems.length === 0) return `ok   ${c.node}: accepts this cookie; file, memory, per-peer cookies and shared_key agree`;
  return `FAIL ${c.node}:\n${c.problems.map((p) => `       - ${p}`).join('\n')}`;
}
