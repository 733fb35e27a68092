/**
 * The cookie (and a secret given with --secret-stdin) never shows in any process's argv or
 * environment while ejctl runs commands. A scanner reads /proc/[pid]/cmdline and environ of every
 * process, over and over, while commands run; it must see the control nodes (so it looked at the
 * right time) and never the secrets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestNode } from './helpers/node.js';

interface Scan {
  sawControlNode: boolean;
  leaks: string[];
}

function scanOnce(secrets: string[], scan: Scan): void {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/${file}`, 'latin1');
      } catch {
        continue;
      }
      if (file === 'cmdline' && text.includes('-nocookie') && text.includes('undefined')) scan.sawControlNode = true;
      for (const s of secrets) if (text.includes(s)) scan.leaks.push(`${pid}/${file}: ${text.split('\0')[0] ?? ''}`);
    }
  }
}

async function scanWhile<T>(secrets: string[], work: Promise<T>): Promise<Scan> {
  const scan: Scan = { sawControlNode: false, leaks: [] };
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    scanOnce(secrets, scan);
    await new Promise((r) => setImmediate(r));
  }
  await work;
  return scan;
}

describe('secrets stay out of argv and environ', () => {
  const n = useTestNode();

  it('the cookie is in no /proc/*/cmdline or /proc/*/environ while commands run', async () => {
    const work = Promise.all(Array.from({ length: 6 }, () => n.ctl(['--transport', 'erl', 'registered_users', 'localhost'])));
    const scan = await scanWhile([n.cookie], work);
    expect(scan.sawControlNode).toBe(true);
    expect(scan.leaks).toEqual([]);
    for (const r of await work) expect(r.exitCode).toBe(0);
  });

  it('a password passed with --secret-stdin is in no process argv, and the account works', async () => {
    const password = `pw-${process.pid}-unique-Sekr3t`;
    const work = n.ctl(['--secret-stdin', 'register', 'erin', 'localhost', '@SECRET@'], { input: `${password}\n` });
    const scan = await scanWhile([password, n.cookie], work);
    expect(scan.leaks).toEqual([]);
    const r = await work;
    expect(r.stdout).toBe('User erin@localhost successfully registered\n');
    expect((await n.ctl(['check_password', 'erin', 'localhost', password])).exitCode).toBe(0);
  });

  it("a password given as an argument reaches no control node argv (only ejctl's own)", async () => {
    const password = `argpw-${process.pid}-Visible0nlyToEjctl`;
    const work = Promise.all(
      Array.from({ length: 3 }, (_, i) => n.ctl(['--transport', 'erl', 'register', `frank${i}`, 'localhost', password])),
    );
    const scan = await scanWhile([password], work);
    expect(scan.sawControlNode).toBe(true);
    // Only the ejctl node processes themselves may hold it.
    expect(scan.leaks.filter((l) => !l.includes('node'))).toEqual([]);
  });

  it('--secret-stdin without the @SECRET@ placeholder is a usage error (64)', async () => {
    const r = await n.ctl(['--secret-stdin', 'register', 'gina', 'localhost'], { input: 'x\n' });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('@SECRET@');
  });
});
