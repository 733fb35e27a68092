/**
 * A node with TLS distribution set up by `ejctl tls` (CA, node certificate, ssl_dist.conf,
 * ERL_OPTIONS): ejabberdctl 23.01 and ejctl on both transports print the same stdout and exit
 * with the same code; `auto` speaks native TLS; batch and `cookie check --cluster` work over TLS.
 */
import { describe, expect, it } from 'vitest';
import { ejabberdctl } from '../helpers/ejabberdctl.js';
import { isRoot, tempDir } from '../helpers/env.js';
import { useTestNode, writeFileMode } from '../helpers/node.js';

const CASES: { title: string; args: string[]; undo?: string[] }[] = [
  { title: 'status', args: ['status'] },
  {
    title: 'register (a password crosses the link)',
    args: ['register', 'alice', 'localhost', 'secret1'],
    undo: ['unregister', 'alice', 'localhost'],
  },
  { title: 'register twice', args: ['register', 'alice', 'localhost', 'secret1'] },
  { title: 'registered_users', args: ['registered_users', 'localhost'] },
  { title: 'an unknown command', args: ['no_such_command'] },
  { title: 'missing arguments', args: ['register', 'alice'] },
  { title: 'help for one command', args: ['help', 'register'] },
  { title: 'non-ASCII arguments', args: ['register', 'jürgen', 'localhost', 'pässwörd-日本'], undo: ['unregister', 'jürgen', 'localhost'] },
];

describe.skipIf(!isRoot)('a node with TLS distribution made by ejctl tls', () => {
  const n = useTestNode({ tls: true });

  for (const c of CASES) {
    it(`${c.title}: ejabberdctl's stdout and exit code on both transports`, async () => {
      const theirs = await ejabberdctl(n, c.args);
      for (const transport of ['erl', 'native'] as const) {
        if (c.undo) expect((await ejabberdctl(n, c.undo)).exitCode).toBe(0);
        const ours = await n.ctl(['--transport', transport, ...c.args]);
        expect({ transport, stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({
          transport,
          stdout: theirs.stdout,
          exitCode: theirs.exitCode,
        });
      }
    });
  }

  it('auto picks the native transport over TLS', async () => {
    const r = await n.ctl(['--dry-run', 'status']);
    expect(r.stdout.split('\n')[0]).toMatch(/^transport: native/);
    const live = await n.ctl(['status']);
    expect(live.exitCode).toBe(0);
    expect(live.stdout).toContain('is started with status: started');
  });

  it('the erl control node is given the same -proto_dist and option file', async () => {
    const r = await n.ctl(['--transport', 'erl', '--dry-run', 'status']);
    expect(r.stdout).toContain(`"-proto_dist","inet_tls","-ssl_dist_optfile","${n.dir}/tls/ssl_dist.conf"`);
  });

  it('batch runs over one TLS connection', async () => {
    const file = `${tempDir()}/cmds`;
    writeFileMode(file, 'status\nregistered_users localhost\n', 0o600);
    const r = await n.ctl(['batch', file]);
    const expected =
      (await n.ctl(['--transport', 'erl', 'status'])).stdout +
      (await n.ctl(['--transport', 'erl', 'registered_users', 'localhost'])).stdout;
    expect(r.stdout).toBe(expected);
    expect(r.exitCode).toBe(0);
  });

  it('cookie check --cluster reaches the node over TLS', async () => {
    const r = await n.ctl(['cookie', 'check', '--cluster']);
    expect(r.stdout).toContain(`ok   ${n.node}: accepts this cookie`);
    expect(r.exitCode).toBe(0);
  });

  it('audit finds nothing wrong with the TLS files ejctl wrote', async () => {
    const r = await n.ctl(['tls', 'check']);
    expect(r.stdout).toBe(`TLS distribution of ${n.node}: no problem found.\n`);
    expect(r.exitCode).toBe(0);
    const audit = JSON.parse((await n.ctl(['audit', '--json'])).stdout) as { findings: { id: string }[] };
    expect(audit.findings.map((f) => f.id).filter((id) => id.startsWith('tls-'))).toEqual([]);
  });
});

describe.skipIf(!isRoot)('a TLS node named by address (long name @127.0.0.1)', () => {
  const n = useTestNode({ tls: true, host: '127.0.0.1' });

  it('native and ejabberdctl agree; the certificate names the address as IP and DNS', async () => {
    const theirs = await ejabberdctl(n, ['status']);
    const ours = await n.ctl(['--transport', 'native', 'status']);
    expect({ stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({ stdout: theirs.stdout, exitCode: 0 });
    const show = await n.ctl(['tls', 'show']);
    expect(show.stdout).toContain('(DNS:127.0.0.1, IP:127.0.0.1)');
  });
});
