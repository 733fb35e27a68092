/**
 * What TLS distribution keeps out, on a node set up by ejctl tls: a client holding the right
 * cookie but a certificate from another CA, or none, is refused by the node; and the native
 * transport refuses a server whose certificate (from the right CA) names another host, before
 * sending it anything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { epmdPortPlease } from '../../src/system/epmd.js';
import { chownToNodeUser, epmdPort, isRoot, tempDir, ejctl } from '../helpers/env.js';
import { useTestNode, writeFileMode, type TestNode } from '../helpers/node.js';

/** A cfg like the node's, with another option file (and extra lines): the same cookie, other certificates. */
function altCfg(n: TestNode, client: { certfile?: string; keyfile?: string; cacertfile: string }, extra = ''): string {
  const dir = tempDir('ejctl-alt-');
  const opts = [
    ...(client.certfile ? [`{certfile, "${client.certfile}"}`, `{keyfile, "${client.keyfile}"}`] : []),
    `{cacertfile, "${client.cacertfile}"}`,
    '{verify, verify_peer}',
    "{versions, ['tlsv1.3']}",
  ].join(', ');
  const optfile = join(dir, 'ssl_dist.conf');
  writeFileMode(optfile, `[{server, [${opts}]}, {client, [${opts}]}].\n`, 0o644);
  const base = readFileSync(n.cfgPath, 'utf8').replace(/^ERL_OPTIONS=.*$/m, '');
  const cfg = join(dir, 'ejabberdctl.cfg');
  writeFileMode(cfg, `${base}\nERL_OPTIONS='-proto_dist inet_tls -ssl_dist_optfile ${optfile}'\n${extra}\n`, 0o644);
  return cfg;
}

/** A certificate bundle (HOST.pem, HOST.key readable by the node user, ca.pem) from the CA in caDir. */
async function bundle(node: string, caDir: string): Promise<{ cert: string; key: string; ca: string }> {
  const out = tempDir('ejctl-bundle-');
  const r = await ejctl(['tls', 'issue', node, '--ca-dir', caDir, '--out', out]);
  expect(r.exitCode, r.stderr).toBe(0);
  const host = node.split('@')[1] ?? '';
  chownToNodeUser(join(out, `${host}.key`));
  return { cert: join(out, `${host}.pem`), key: join(out, `${host}.key`), ca: join(out, 'ca.pem') };
}

describe.skipIf(!isRoot)('TLS distribution refuses strangers', () => {
  const n = useTestNode({ tls: true });
  const nodeCa = () => join(n.dir, 'tls', 'ca.pem');

  it('a client certificate from another CA, with the right cookie: exit 3 on both transports, and native says why', async () => {
    const otherCa = join(tempDir('ejctl-ca-'), 'ca');
    expect((await ejctl(['tls', 'init-ca', '--ca-dir', otherCa])).exitCode).toBe(0);
    const b = await bundle(n.node, otherCa);
    const cfg = altCfg(n, { certfile: b.cert, keyfile: b.key, cacertfile: nodeCa() });
    const native = await ejctl(['-c', cfg, '--transport', 'native', 'status'], { env: { EJCTL_DIAGNOSE: '1' } });
    expect(native.exitCode).toBe(3);
    expect(native.stdout.split('\n')[0]).toBe(`Failed RPC connection to the node ${n.node}: nodedown`);
    expect(native.stderr).toContain(`ejctl: TLS verification failed with ${n.node}`);
    expect(native.stderr).toContain('the node refused our client certificate');
    const erl = await ejctl(['-c', cfg, '--transport', 'erl', 'status']);
    expect(erl.exitCode).toBe(3);
    expect(erl.stdout.split('\n')[0]).toBe(`Failed RPC connection to the node ${n.node}: nodedown`);
  });

  it('no client certificate: the node ends the TLS handshake; erl exits 3, native refuses the option file (78)', async () => {
    const answer = await epmdPortPlease('127.0.0.1', Number(epmdPort()), n.name);
    if (!answer.ok || !answer.found) throw new Error('the node is not in EPMD');
    const seen = await new Promise<{ data: number; error: string }>((resolve) => {
      const s: TLSSocket = connect({ host: '127.0.0.1', port: answer.port, ca: readFileSync(nodeCa()), servername: 'localhost' });
      let data = 0;
      s.on('secureConnect', () => s.write(Buffer.from('00000010', 'hex')));
      s.on('data', (d: Buffer) => (data += d.length));
      s.on('error', (e: NodeJS.ErrnoException) => resolve({ data, error: e.code ?? e.message }));
      s.on('close', () => resolve({ data, error: 'closed' }));
    });
    expect(seen.data).toBe(0);
    expect(seen.error).toMatch(/CERTIFICATE_REQUIRED|closed|ECONNRESET/);
    const cfg = altCfg(n, { cacertfile: nodeCa() });
    expect((await ejctl(['-c', cfg, '--transport', 'erl', 'status'])).exitCode).toBe(3);
    const native = await ejctl(['-c', cfg, '--transport', 'native', 'status']);
    expect(native.exitCode).toBe(78);
    expect(native.stderr).toContain('have no certfile: the native transport needs certfile, keyfile and cacertfile');
  });

  it('native refuses a server whose certificate, from the cluster CA, names another host, and sends it nothing', async () => {
    const impostor = await bundle('ejabberd@other.example', join(n.dir, 'ca'));
    const received: Buffer[] = [];
    const server = createServer(
      {
        cert: readFileSync(impostor.cert),
        key: readFileSync(impostor.key),
        ca: readFileSync(nodeCa()),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (s) => s.on('data', (d: Buffer) => received.push(d)),
    );
    server.on('tlsClientError', () => {});
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    try {
      const cfg = altCfg(
        n,
        { certfile: join(n.dir, 'tls', 'node.pem'), keyfile: join(n.dir, 'tls', 'node.key'), cacertfile: nodeCa() },
        `ERL_DIST_PORT=${port}`,
      );
      const r = await ejctl(['-c', cfg, '--transport', 'native', 'status'], { env: { EJCTL_DIAGNOSE: '1' } });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(`ejctl: TLS verification failed with ${n.node}`);
      expect(r.stderr).toContain("the node's certificate does not name localhost; nothing was sent to it.");
      expect(Buffer.concat(received).length).toBe(0);
    } finally {
      server.close();
    }
  });
});
