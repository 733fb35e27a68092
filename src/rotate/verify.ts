/**
 * The evidence that a rotation worked, gathered fresh: a new hidden node with the new cookie is
 * let in by every node, one with the old cookie is turned away by every node, and each node runs
 * with the new cookie, pins every peer to it, has it in its 0400 file, has the matching
 * shared_key, and still sees the same peers as before.
 */
import type { Ctx } from '../context.js';
import type { LaunchPlan } from '../run/plan.js';
import { nodeInfo, type NodeInfo } from './preflight.js';
import { openSession, type Session } from './session.js';

export interface NodeEvidence {
  node: string;
  newAccepted: boolean;
  oldRejected: boolean;
  defaultCookie: string | null;
  peersPinnedNew: string;
  file: string;
  sharedKey: string | null;
  meshSame: boolean;
  ok: boolean;
}

/** Which nodes a fresh hidden node holding `cookie` is let into. */
export async function probe(plan: LaunchPlan, cookie: string, nodes: string[]): Promise<Map<string, boolean>> {
  const s = await openSession(plan, { old: cookie, new: undefined });
  const accepted = new Map<string, boolean>();
  try {
    for (const n of nodes) {
      await s.call('use', n, 'old');
      accepted.set(n, (await s.call('connect', n)).ok === true);
    }
  } finally {
    await s.close();
  }
  return accepted;
}

/**
 * Connects every node to the peers it saw at preflight, where it is not connected now. Only a
 * member that restarted during the rotation needs it: booted with its old cookie file, its peers
 * (pinned to the new cookie for it) refused it, and once --resume has switched it nothing else
 * reconnects it (Mnesia waits for its peers without retrying). Measured on the three-host test.
 */
export async function rejoinMesh(ctx: Pick<Ctx, 'stderr'>, session: Session, mesh: Record<string, string[]>): Promise<void> {
  for (const [node, peers] of Object.entries(mesh)) {
    for (const peer of peers) {
      const r = await session.call('link', node, peer);
      if (r.ok === true) ctx.stderr.write(`ejctl: reconnected ${node} to ${peer} (it was not connected since it restarted)\n`);
    }
  }
}

export async function gatherEvidence(
  session: Session,
  plan: LaunchPlan,
  cookies: { old: string; new: string },
  nodes: string[],
  mesh: Record<string, string[]>,
): Promise<NodeEvidence[]> {
  const [withNew, withOld] = await Promise.all([probe(plan, cookies.new, nodes), probe(plan, cookies.old, nodes)]);
  const evidence: NodeEvidence[] = [];
  for (const node of nodes) {
    const i = await nodeInfo(session, node);
    evidence.push(judge(node, i, withNew.get(node) === true, withOld.get(node) === false, mesh[node] ?? []));
  }
  return evidence;
}

export function judge(
  node: string,
  i: NodeInfo | undefined,
  newAccepted: boolean,
  oldRejected: boolean,
  meshBefore: string[],
): NodeEvidence {
  const pins = Object.values(i?.pins ?? {});
  const pinnedNew = pins.filter((p) => p === 'new').length;
  const fileOk = i?.file.exists === true && i.file.mode === 0o400 && i.file.content === 'new';
  const file =
    i === undefined
      ? 'unknown'
      : fileOk
        ? '0400, new cookie'
        : `mode 0${(i.file.mode ?? 0).toString(8)}, holds ${String(i.file.content ?? i.file.error ?? '?')}`;
  const meshSame = i !== undefined && sameSet(i.nodes, meshBefore);
  const e = {
    node,
    newAccepted,
    oldRejected,
    defaultCookie: i?.cookie ?? null,
    peersPinnedNew: `${pinnedNew}/${pins.length}`,
    file,
    sharedKey: i?.sharedKey ?? null,
    meshSame,
  };
  return {
    ...e,
    ok: newAccepted && oldRejected && e.defaultCookie === 'new' && pinnedNew === pins.length && fileOk && e.sharedKey === 'new' && meshSame,
  };
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export function evidenceLine(e: NodeEvidence): string {
  return [
    `${e.ok ? 'ok  ' : 'FAIL'} ${e.node}:`,
    `new cookie ${e.newAccepted ? 'accepted' : 'REFUSED'},`,
    `old cookie ${e.oldRejected ? 'rejected' : 'STILL ACCEPTED'},`,
    `default cookie ${e.defaultCookie ?? '?'},`,
    `peers pinned to new ${e.peersPinnedNew},`,
    `file ${e.file},`,
    `shared_key ${e.sharedKey === 'new' ? 'sha(new)' : (e.sharedKey ?? '?')},`,
    `mesh ${e.meshSame ? 'unchanged' : 'CHANGED'}`,
  ].join(' ');
}
