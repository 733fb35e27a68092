/**
 * `debug` and `live` driven in a pseudo-terminal, as an operator uses them: the warning, Return,
 * an Erlang expression evaluated in the node, then leaving. The cookie stays out of every
 * process's argv and environment while the shells run, and a crash dump lands in LOGS_DIR with
 * no permission for others.
 */
import { readdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/env.js';
import { beamPids, createTestNodeFiles, stopTestNode, type TestNode, useTestNode } from '../helpers/node.js';
import { processesHolding, ptyEjctl, remoteShells } from './helpers.js';

describe('debug: a remote shell in a pseudo-terminal', () => {
  const n = useTestNode();

  it('shows the warning, attaches, evaluates node(). in the node, and detaches with Ctrl-C twice', async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'debug']);
    await pty.waitFor('Press return to continue');
    expect(pty.text()).toContain('IMPORTANT: we will attempt to attach an INTERACTIVE shell');
    pty.write('\r');
    const prompt = await pty.waitFor(`(${n.node})1> `);
    expect(processesHolding([n.cookie])).toEqual([]);
    pty.write('node().\r');
    await pty.waitFor(new RegExp(`\\n${n.node}\\n`), 10_000, prompt);
    pty.write('\x03');
    await pty.waitFor('BREAK:');
    pty.write('\x03');
    // ejctl survived the two Ctrl-C (no signal) and ended when the shell's VM did, with its
    // code (usually 0; how the VM's BREAK handler ends on a second Ctrl-C is its own affair).
    const { signal } = await pty.exited;
    expect(signal || 0).toBe(0);
    expect(pty.text()).not.toContain('ejctl: internal error');
    expect(remoteShells(n.node)).toEqual([]);
    // Detaching leaves the node running.
    expect((await n.ctl(['status'])).exitCode).toBe(0);
  });

  it('fed from a pipe (no terminal), reads it through a pipe and ends at its end', async () => {
    // Without a terminal erl runs its plain shell (and ignores -remsh), as it did when ejctl
    // handed it a pipe directly; what matters here is that ejctl relays and does not hang.
    const r = await n.ctl(['debug'], { input: '1 + 41.\n', env: { EJABBERD_BYPASS_WARNINGS: 'true' } });
    expect(r.stdout).toContain('1> 42\n');
    expect(r.exitCode).toBe(0);
    expect(remoteShells(n.node)).toEqual([]);
  });

  it('EJABBERD_BYPASS_WARNINGS=true skips the warning', async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'debug'], { EJABBERD_BYPASS_WARNINGS: 'true' });
    await pty.waitFor(`(${n.node})1> `);
    expect(pty.text()).not.toContain('Press return to continue');
    pty.write('\x07'); // ^G: the user switch menu; q leaves the local shell
    await pty.waitFor('-->');
    pty.write('q\r');
    expect((await pty.exited).exitCode).toBe(0);
    expect((await n.ctl(['status'])).exitCode).toBe(0);
  });
});

describe('live: ejabberd with an Erlang shell in a pseudo-terminal', () => {
  let n: Omit<TestNode, 'stop'>;
  beforeAll(async () => {
    n = await createTestNodeFiles();
  });
  afterAll(async () => {
    if (n) await stopTestNode(n);
    cleanupTempDirs();
  });

  it('starts the node in the terminal, evaluates node(). and stops with q().', async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'live']);
    await pty.waitFor('Press return to continue');
    expect(pty.text()).toContain('IMPORTANT: ejabberd is going to start in LIVE (interactive) mode.');
    pty.write('\r');
    await pty.waitFor(`(${n.node})1> `, 60_000);
    expect((await n.ctl(['started'])).exitCode).toBe(0);
    expect(processesHolding([n.cookie])).toEqual([]);
    const at = pty.text().length;
    pty.write('node().\r');
    await pty.waitFor(new RegExp(`\\n${n.node}\\n`), 10_000, at);
    pty.write('q().\r');
    expect((await pty.exited).exitCode).toBe(0);
    expect(beamPids(n.node)).toEqual([]);
  });

  it('a crash dump goes to LOGS_DIR as erl_crash_YYYYmmdd-HHMMSS.dump, unreadable by others', async () => {
    const pty = ptyEjctl(['-c', n.cfgPath, 'live'], { EJABBERD_BYPASS_WARNINGS: 'true' });
    await pty.waitFor(`(${n.node})1> `, 60_000);
    pty.write('erlang:halt("ejctl crash test").\r');
    expect((await pty.exited).exitCode).toBe(1);
    const dumps = readdirSync(n.logs).filter((f) => f.startsWith('erl_crash_'));
    expect(dumps).toHaveLength(1);
    expect(dumps[0]).toMatch(/^erl_crash_\d{8}-\d{6}\.dump$/);
    expect(statSync(`${n.logs}/${dumps[0]}`).mode & 0o007).toBe(0);
  });
});
