/**
 * The attack of issue 12, finding 3: a cfg that ejctl accepts (no shell syntax at all) with an
 * empty INSTALLUSER and an `-eval` in ERL_OPTIONS or vm.args, then `ejctl --transport erl status`
 * as root. Before the fix the control node ran as root and evaluated it. Now a control node runs
 * as nobody, takes from ERL_OPTIONS and vm.args only distribution settings, and says what it left out.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot, tempDir } from '../helpers/env.js';
import { useTestNode, writeFileMode, type TestNode } from '../helpers/node.js';

/** uids of the running control nodes that carry this test's marker option, seen in /proc. */
function controlNodeUids(marker: string, seen: Set<number>): void {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      if (!argv.includes('-nocookie') || !argv.includes(marker)) continue;
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
      if (uid !== undefined) seen.add(Number(uid));
    } catch {
      /* gone */
    }
  }
}

async function watchControlNodes<T>(marker: string, work: Promise<T>): Promise<{ result: T; uids: Set<number> }> {
  const uids = new Set<number>();
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    controlNodeUids(marker, uids);
    await new Promise((r) => setImmediate(r));
  }
  return { result: await work, uids };
}

/** A copy of the node's cookie owned by root: with no INSTALLUSER, ejctl takes only root's. */
function rootCookie(n: TestNode, dir: string): string {
  const home = join(dir, 'root-home');
  const path = join(home, '.erlang.cookie');
  mkdirSync(home, { mode: 0o700 });
  writeFileMode(path, n.cookie, 0o400);
  return path;
}

describe.skipIf(!isRoot)('a cfg cannot make a control node run code as root', () => {
  const n = useTestNode();

  function attackCfg(extra: string): { cfg: string; marker: string; dir: string } {
    const dir = tempDir('ejctl-attack-');
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777); // anyone could write the marker here: its absence means nothing ran
    const marker = join(open, 'pwned');
    const cfg = join(dir, 'ejabberdctl.cfg');
    const base = readFileSync(n.cfgPath, 'utf8');
    writeFileMode(cfg, `${base}INSTALLUSER=\nCOOKIE_FILE=${rootCookie(n, dir)}\n${extra.replaceAll('MARKER', marker)}\n`, 0o600);
    return { cfg, marker, dir };
  }

  it('ERL_OPTIONS -eval: never evaluated, the control node is not root, the command works, a warning says so', async () => {
    const { cfg, marker } = attackCfg(`ERL_OPTIONS='-kernel net_setuptime 17 -eval os:cmd("id>MARKER")'`);
    const { result: r, uids } = await watchControlNodes('net_setuptime', n.ctl(['-c', cfg, '--transport', 'erl', 'status']));
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : 'not written').toBe('not written');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`The node ${n.node} is started`);
    expect(r.stderr).toContain(`ejctl: warning: ERL_OPTIONS (${cfg}:`);
    expect(r.stderr).toContain('control nodes leave out -eval;');
    expect(r.stderr).not.toContain('os:cmd');
    expect(uids.size).toBeGreaterThan(0);
    expect([...uids]).not.toContain(0);
  });

  it('vm.args -eval: never evaluated, the control node is not root', async () => {
    const vmArgs = join(tempDir('ejctl-vmargs-'), 'vm.args');
    const { cfg, marker } = attackCfg(`VMARGS=${vmArgs}`);
    writeFileMode(vmArgs, `## a comment\n-kernel net_setuptime 17\n-eval 'os:cmd("id>${marker}")'\n`, 0o644);
    const { result: r, uids } = await watchControlNodes('net_setuptime', n.ctl(['-c', cfg, '--transport', 'erl', 'status']));
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : 'not written').toBe('not written');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`ejctl: warning: ${vmArgs}: control nodes leave out -eval (line 3);`);
    expect(uids.size).toBeGreaterThan(0);
    expect([...uids]).not.toContain(0);
  });

  it('the plan says so: nobody, cwd /, no -eval from the cfg, no -args_file', async () => {
    const { cfg } = attackCfg(`ERL_OPTIONS='-eval os:cmd("id>MARKER") -proto_dist inet_tcp'`);
    const r = await n.ctl(['-c', cfg, '--transport', 'erl', '--dry-run', 'status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^user: nobody \(uid 65534, gid 65534, no supplementary groups\)$/m);
    expect(r.stdout).toContain('cwd: /\n');
    expect(r.stdout).not.toContain('os:cmd');
    expect(r.stdout).not.toContain('-args_file');
    expect(r.stdout).toContain('"-proto_dist","inet_tcp"');
    expect(r.stderr).toContain('control nodes leave out -eval;');
  });

  it('ping and started run their control node as nobody too', async () => {
    const { cfg } = attackCfg(`ERL_OPTIONS='-eval os:cmd("id>MARKER")'`);
    for (const command of ['ping', 'started']) {
      const r = await n.ctl(['-c', cfg, '--dry-run', command]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^user: nobody \(uid 65534/m);
      expect(r.stdout).not.toContain('os:cmd');
    }
    const ping = await n.ctl(['-c', cfg, 'ping']);
    expect([ping.exitCode, ping.stdout]).toEqual([0, 'pong\n']);
  });

  it('debug and etop, which attach to the node, take no code-running option from the cfg either', async () => {
    const { cfg } = attackCfg(`ERL_OPTIONS='-eval os:cmd("id>MARKER") -proto_dist inet_tcp'`);
    for (const command of ['debug', 'etop']) {
      const r = await n.ctl(['-c', cfg, '--dry-run', command]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).not.toContain('os:cmd');
      expect(r.stdout).toContain('"-proto_dist","inet_tcp"');
      expect(r.stderr).toContain('control nodes leave out -eval;');
    }
  });
});
