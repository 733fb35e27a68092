/**
 * A node killed in the middle of a forwarded command, through the CLI: the output printed so far,
 * then ejabberdctl's nodedown line, exit 3, the same on both transports; and on stderr the
 * native transport says the connection was lost during the command.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, EJCTL, epmdPort } from '../helpers/env.js';
import { beamPids, startTestNode, waitFor, type TestNode } from '../helpers/node.js';

/** `stop_kindly 30 bye` prints a line per step and sleeps 30 s in step 4: we kill the node there. */
async function killDuringStopKindly(n: TestNode, transport: string) {
  const child = execa(process.execPath, [EJCTL, '-c', n.cfgPath, '--transport', transport, 'stop_kindly', '30', 'bye'], {
    env: { ERL_EPMD_PORT: epmdPort(), EJCTL_DIAGNOSE: '1' },
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    all: false,
  });
  let seen = '';
  child.stdout?.on('data', (d: Buffer) => (seen += d.toString('latin1')));
  await waitFor(() => seen.includes('Waiting 30 seconds... '), 20_000, `no progress from stop_kindly: ${seen}`);
  for (const pid of beamPids(n.node)) process.kill(pid, 'SIGKILL');
  const r = await child;
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode };
}

describe('a node killed during a command', () => {
  let a: TestNode;
  let b: TestNode;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestNode(), startTestNode()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupTempDirs();
  });

  it('prints what was printed, then the nodedown line and help, exit 3, as the erl transport does', async () => {
    const [erl, native] = await Promise.all([killDuringStopKindly(a, 'erl'), killDuringStopKindly(b, 'native')]);
    // Step lines carry elapsed seconds; the rest must match byte for byte.
    const normal = (text: string, n: TestNode) =>
      text
        .replaceAll(n.node, 'NODE')
        .replaceAll(n.dir, 'DIR')
        .replace(/ \d+s\] /g, ' Ns] ');
    expect(normal(erl.stdout, a)).toContain(
      '[4/7 Ns] Waiting 30 seconds... Failed RPC connection to the node NODE: nodedown\n\nCommands to start',
    );
    expect(normal(native.stdout, b)).toBe(normal(erl.stdout, a));
    expect([erl.exitCode, native.exitCode]).toStrictEqual([3, 3]);
    expect(native.stderr).toContain(`the connection to ${b.node} was lost during the command`);
  }, 60_000);
});
