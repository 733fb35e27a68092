/** Runs one step of a rotation over the control session, and undoes the early ones. */
import { writeCookieFile, type FileOwner } from '../cookie/write.js';
import { removeStaged, stageCookie } from './localStage.js';
import type { NodeFiles, Step } from './plan.js';
import type { Reply, Session } from './session.js';

/** The program a node runs on its own host to write a cookie file: `Node ejctl.js cookie import`. */
export interface RemoteWriter {
  exe: string;
  ejctlJs: string;
}

export interface StepContext {
  session: Session;
  files: Map<string, NodeFiles>;
  writer: RemoteWriter;
  /** For the local-stage and local-file steps only. */
  newCookie: string;
  localOwner: FileOwner | undefined;
}

export interface StepResult {
  ok: boolean;
  detail?: string;
  /** A local backup to remove at --finalize. */
  localBackup?: string;
}

const why = (r: Reply): string => {
  const { error, output } = r;
  const lines =
    typeof output === 'string'
      ? output
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '')
      : [];
  const text = lines.length > 0 ? `: ${lines.slice(0, 3).join(' ')}` : '';
  return `${JSON.stringify(error ?? r)}${text}`;
};

function filesOf(ctx: StepContext, node: string): NodeFiles {
  const f = ctx.files.get(node);
  if (!f) throw new Error(`no files recorded for ${node}`);
  return f;
}

export async function runStep(ctx: StepContext, step: Step): Promise<StepResult> {
  const s = ctx.session;
  const w = ctx.writer;
  const result = (r: Reply, detail?: string): StepResult =>
    r.error === undefined ? { ok: true, ...(detail === undefined ? {} : { detail }) } : { ok: false, detail: why(r) };
  switch (step.kind) {
    case 'backup':
    case 'stage': {
      const f = filesOf(ctx, step.node);
      const write = () =>
        s.call('write', step.node, step.kind === 'backup' ? f.backup : f.staged, step.kind === 'backup' ? 'old' : 'new', w.exe, w.ejctlJs);
      // Writing is idempotent and nothing depends on it yet: a second try costs nothing.
      let r = await write();
      if (r.error !== undefined) r = await write();
      return result(r, `written by ${String(r.ok)}`);
    }
    case 'pin': {
      const r = await s.call('pinpair', step.node, step.peer, 'new');
      return result(r, `both sides set within ${String(r.ok)} µs`);
    }
    case 'pin-down':
      return result(await s.call('pin', step.node, step.peer, 'new'));
    case 'switch': {
      const f = filesOf(ctx, step.node);
      let r = await s.call('switch', step.node, f.staged, f.cookieFile, 'new');
      // The staged file vanished (removed by hand, a cleanup): stage it again, once.
      if (r.error === 'enoent' && (await s.call('write', step.node, f.staged, 'new', w.exe, w.ejctlJs)).error === undefined) {
        r = await s.call('switch', step.node, f.staged, f.cookieFile, 'new');
      }
      // Our own later connections to this node (after a reconnect) need the new cookie too.
      if (r.error === undefined) await s.call('use', step.node, 'new');
      return result(r, r.ok === 'already' ? 'already switched' : undefined);
    }
    case 'shared-key':
      return result(await s.call('sharedkey', step.node, 'new'));
    case 'local-stage':
      await stageCookie(step.path, ctx.newCookie, ctx.localOwner);
      return { ok: true };
    case 'local-file': {
      const { backupPath } = await writeCookieFile(step.path, ctx.newCookie, {
        replace: true,
        ...(ctx.localOwner ? { owner: ctx.localOwner } : {}),
      });
      // After the file holds the new cookie: a command reading the staged one finds it there.
      removeStaged(step.path);
      return { ok: true, ...(backupPath ? { detail: `old cookie kept in ${backupPath}`, localBackup: backupPath } : {}) };
    }
  }
}

/**
 * Undoes steps that changed nothing a restart would see: pins back to the old cookie, files
 * removed. A side that is down counts as undone: a node that restarts has no pins.
 */
export async function undoStep(ctx: StepContext, step: Step): Promise<boolean> {
  const s = ctx.session;
  const undone = (r: Reply): boolean => r.error === undefined || r.error === 'nodedown';
  switch (step.kind) {
    case 'pin':
      return undone(await s.call('pin', step.node, step.peer, 'old')) && undone(await s.call('pin', step.peer, step.node, 'old'));
    case 'pin-down':
      return undone(await s.call('pin', step.node, step.peer, 'old'));
    case 'backup':
      return (await s.call('delete', step.node, filesOf(ctx, step.node).backup)).error === undefined;
    case 'stage':
      return (await s.call('delete', step.node, filesOf(ctx, step.node).staged)).error === undefined;
    case 'local-stage':
      removeStaged(step.path);
      return true;
    default:
      return false;
  }
}
