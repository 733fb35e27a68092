/**
 * Step 3: from what is there and what was answered, what will change. Pure (the current modes of
 * the files to fix arrive through `stateOf`), so tests assert the plan as data and --dry-run
 * prints exactly what apply would do. The plan holds no secret: a new cookie is made by apply.
 */
import { cookieFingerprint } from '../cookie/fingerprint.js';
import { isLoopback } from './answerChecks.js';
import { editCtlConfig, type WantedValue } from './cfgEdit.js';
import { planEpmdDropin } from './systemEpmd.js';
import type { Answers, CookieAction, Detected, FileState, PermissionFix, SetupPlan, SetupSecrets } from './types.js';

/** ejabberdctl.cfg after setup: root may change it, INSTALLUSER's group may read it, others nothing. */
export const CFG_MODE = 0o640;

export function wantedValues(a: Pick<Answers, 'node' | 'topology' | 'interface' | 'firewallWindow'>): WantedValue[] {
  const single = a.topology === 'single';
  return [
    { name: 'ERLANG_NODE', value: a.node, why: 'The node name (-sname unless it holds a dot)' },
    {
      name: 'INET_DIST_INTERFACE',
      value: single ? '127.0.0.1' : a.interface,
      why: single ? 'Single node: Erlang distribution on loopback only' : 'Cluster: Erlang distribution on this address only',
    },
    // EPMD always adds loopback itself, so local tools still find the node in a cluster.
    {
      name: 'ERL_EPMD_ADDRESS',
      value: single ? '127.0.0.1' : a.interface,
      why: single ? 'Single node: EPMD on loopback only' : 'Cluster: EPMD on this address (and loopback) only',
    },
    { name: 'FIREWALL_WINDOW', value: a.firewallWindow, why: 'Distribution ports in a fixed range, so a firewall can hold them' },
  ];
}

export function buildSetupPlan(
  d: Detected,
  a: Answers,
  secrets: SetupSecrets,
  stateOf: (path: string) => FileState | undefined,
): SetupPlan {
  const edit = editCtlConfig(d.cfgText, d.cfgRealPath, wantedValues(a));
  const to: FileState = { mode: CFG_MODE, uid: 0, gid: d.installGid };
  const from = d.cfgState;
  const stateDiffers = !from || from.mode !== to.mode || from.uid !== to.uid || from.gid !== to.gid;
  const { fixes: _fixes, ...answers } = a;
  return {
    answers,
    cfg: {
      path: d.cfgPath,
      realPath: d.cfgRealPath,
      changes: edit.changes,
      newText: edit.changes.length > 0 || stateDiffers ? edit.text : undefined,
      from,
      to,
    },
    cookie: planCookie(d, a, secrets),
    fixes: planFixes(a, stateOf),
    systemEpmd: planEpmdDropin(d.systemEpmd, a),
    warnings: planWarnings(d, a),
  };
}

function planCookie(d: Detected, a: Answers, secrets: SetupSecrets): SetupPlan['cookie'] {
  const ids = new Set(d.cookie.problems.map((p) => p.id));
  const loose = ids.has('loose-mode') || ids.has('wrong-owner');
  const exists = !ids.has('missing');
  const owner = d.settings.installUser?.name ?? 'the current user';
  const problems = d.cookie.problems.map((p) => p.message).join('; ');
  const make = (action: CookieAction, reason: string, fingerprint: string | undefined) => ({
    path: d.cookie.path,
    action,
    reason,
    owner,
    fingerprint,
  });
  if (a.cookie === 'keep') {
    return loose
      ? make('rewrite', `same cookie, written again as a new file with mode 0400 owned by ${owner} (${problems})`, d.cookie.fingerprint)
      : make('none', 'kept as it is', d.cookie.fingerprint);
  }
  if (a.cookie === 'import') {
    const fingerprint = cookieFingerprint(secrets.importedCookie ?? '');
    if (fingerprint === d.cookie.fingerprint && !loose) return make('none', 'the imported cookie is the one already in place', fingerprint);
    return make('import', `the cluster's cookie${exists ? '; the current one is kept as a 0400 backup' : ''}`, fingerprint);
  }
  return exists
    ? make('replace', `a new strong cookie${problems ? ` (now: ${problems})` : ''}; the current one is kept as a 0400 backup`, undefined)
    : make('create', 'a new strong cookie', undefined);
}

function planFixes(a: Answers, stateOf: (path: string) => FileState | undefined): PermissionFix[] {
  const byPath = new Map<string, PermissionFix>();
  for (const f of a.fixes) {
    if (f.path === undefined || f.fixMode === undefined || byPath.has(f.path)) continue;
    const fromMode = stateOf(f.path)?.mode;
    if (fromMode === f.fixMode) continue;
    byPath.set(f.path, { path: f.path, id: f.id, title: f.title, fromMode, toMode: f.fixMode });
  }
  return [...byPath.values()];
}

function planWarnings(d: Detected, a: Answers): string[] {
  const w: string[] = [];
  const s = d.settings;
  if (a.node !== s.node && d.mnesiaSchema) {
    w.push(
      `The spool ${s.spoolDir} holds a Mnesia database made for ${s.node}; under the name ${a.node} ejabberd will not find it. Keep the old name, or rename the database first (ejabberdctl mnesia_change_nodename).`,
    );
  }
  if (a.node.split('@')[1]?.includes('.'))
    w.push(`${a.node} holds a dot, so the node uses long names (-name); short names (-sname) are the safer default.`);
  if (a.topology === 'cluster' && isLoopback(a.interface)) {
    w.push(`${a.interface} is a loopback address: the other nodes cannot reach this one there.`);
  }
  const host = a.node.split('@')[1] ?? '';
  if (a.topology === 'cluster' && (host === 'localhost' || isLoopback(host))) {
    w.push(
      `In a cluster the host part of ${a.node} must be a name the other nodes resolve to ${a.interface}; '${host}' is not (and ejctl on this host will not reach the node there either).`,
    );
  }
  if (a.topology === 'cluster' && !d.addresses.some((x) => x.address === a.interface)) {
    w.push(`${a.interface} is not an address of this host: the node will not start until it is.`);
  }
  if (d.nodeRunning) {
    w.push(`${s.node} is running: it keeps its current settings until it restarts.`);
    if (a.cookie !== 'keep')
      w.push(
        'A new cookie: ejctl cannot reach the running node with it until the node restarts (for a live cluster, use `ejctl cookie rotate` instead).',
      );
  }
  return w;
}
