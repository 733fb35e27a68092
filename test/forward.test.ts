import { describe, expect, it } from 'vitest';
import { useTestNode } from './helpers/node.js';

describe('forwarding to a real ejabberd node', () => {
  const n = useTestNode();

  it('status prints what the node prints and exits 0', async () => {
    const r = await n.ctl(['status']);
    expect(r.stdout).toBe(`The node ${n.node} is started with status: started\nejabberd 23.01-1 is running in that node\n`);
    expect(r.exitCode).toBe(0);
  });

  it('--dry-run shows the plan without the cookie and runs nothing', async () => {
    // The plan of the transport that would be used: native by default, the erl launch with erl.
    const r = await n.ctl(['--dry-run', 'register', 'dryrun', 'localhost', 'pw-not-shown']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("call: ejabberd_ctl:process for 'register' with 3 more argument(s) (not shown), at most 60 s");
    expect(r.stdout).not.toContain('-nocookie');
    const viaErl = await n.ctl(['--transport', 'erl', '--dry-run', 'register', 'dryrun', 'localhost', 'pw-not-shown']);
    expect(viaErl.stdout).toContain('"-sname","undefined","-hidden","-nocookie"');
    for (const out of [r.stdout, viaErl.stdout]) {
      expect(out).not.toContain(n.cookie);
      expect(out).not.toContain('pw-not-shown');
    }
    const check = await n.ctl(['check_account', 'dryrun', 'localhost']);
    expect(check.exitCode).toBe(1);
  });

  it("a wrong cookie gives ejabberdctl's line and exit 3, and says on stderr the cookie was rejected", async () => {
    const { tempDir, chownToNodeUser } = await import('./helpers/env.js');
    const { writeFileMode } = await import('./helpers/node.js');
    const dir = tempDir();
    const wrong = `${dir}/wrong.cookie`;
    writeFileMode(wrong, 'Z'.repeat(10) + 'wrongcookie0123456789abcdefABCDEF', 0o400);
    chownToNodeUser(wrong);
    const r = await n.ctl(['--cookie-file', wrong, 'status'], { env: { EJCTL_DIAGNOSE: '1' } });
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(`Failed RPC connection to the node ${n.node}: nodedown\n\nCommands to start an ejabberd node:`)).toBe(true);
    expect(r.stderr).toContain('rejected the cookie');
  });
});
