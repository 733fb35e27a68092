/** The pure parts of a rotation: the steps, the network warning, the evidence, the journal files. */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildSteps, isBeforeSwitch, stepId } from '../../src/rotate/plan.js';
import { plainTcpHosts, type Discovery, type NodeInfo } from '../../src/rotate/preflight.js';
import { judge } from '../../src/rotate/verify.js';
import { ensureStateDir, takeLock, writeSecretFile } from '../../src/rotate/journal.js';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';

afterAll(() => cleanupTempDirs());

const info = (over: Partial<NodeInfo> = {}): NodeInfo => ({
  nodes: ['b@h', 'c@h'],
  cookie: 'new',
  pins: { 'b@h': 'new', 'c@h': 'new' },
  cookieFile: '/home/x/.erlang.cookie',
  file: { exists: true, type: 'regular', mode: 0o400, content: 'new' },
  sharedKey: 'new',
  setcookieArg: false,
  proto: 'inet_tcp',
  ...over,
});

describe('rotation steps', () => {
  it('stages everything first, then pins each pair once, then switches, then shared_key', () => {
    const ids = buildSteps({ nodes: ['a@h', 'b@h', 'c@h'], skipped: ['d@h'], localFile: '/etc/ejctl/cookie' }).map(stepId);
    expect(ids).toEqual([
      'local-stage /etc/ejctl/cookie',
      'backup a@h',
      'stage a@h',
      'backup b@h',
      'stage b@h',
      'backup c@h',
      'stage c@h',
      'pin a@h b@h',
      'pin a@h c@h',
      'pin b@h c@h',
      'pin-down a@h d@h',
      'pin-down b@h d@h',
      'pin-down c@h d@h',
      'switch a@h',
      'switch b@h',
      'switch c@h',
      'shared-key a@h',
      'shared-key b@h',
      'shared-key c@h',
      'local-file /etc/ejctl/cookie',
    ]);
  });

  it('only the steps before the first switch are rolled back', () => {
    const steps = buildSteps({ nodes: ['a@h', 'b@h'], skipped: [], localFile: undefined });
    expect(steps.filter(isBeforeSwitch).map((s) => s.kind)).toEqual(['backup', 'stage', 'backup', 'stage', 'pin']);
  });
});

describe('the plain-TCP warning', () => {
  const d = (nodes: string[], proto: string): Discovery => ({
    seed: nodes[0] ?? '',
    live: nodes,
    skipped: [],
    info: new Map(nodes.map((n) => [n, info({ proto })])),
  });
  it('is silent on one host', () => expect(plainTcpHosts(d(['a@h', 'b@h'], 'inet_tcp'), 'h')).toEqual([]));
  it('names the hosts when plain TCP crosses hosts', () =>
    expect(plainTcpHosts(d(['a@h1', 'b@h2'], 'inet_tcp'), 'h1')).toEqual(['h1', 'h2']));
  it('is silent with TLS distribution', () => expect(plainTcpHosts(d(['a@h1', 'b@h2'], 'inet_tls'), 'h1')).toEqual([]));
  it('still warns when one member of a TLS cluster uses plain TCP', () => {
    const mixed = d(['a@h1', 'b@h2', 'c@h3'], 'inet_tls');
    mixed.info.set('c@h3', info({ proto: 'inet_tcp' }));
    expect(plainTcpHosts(mixed, 'op')).toEqual(['op', 'h1', 'h2', 'h3']);
  });
});

describe('verification evidence', () => {
  it('is ok only when every fact holds', () => {
    expect(judge('a@h', info(), true, true, ['c@h', 'b@h']).ok).toBe(true);
    expect(judge('a@h', info(), true, false, ['b@h', 'c@h']).ok).toBe(false);
    expect(judge('a@h', info({ pins: { 'b@h': 'new', 'c@h': 'old' } }), true, true, ['b@h', 'c@h']).peersPinnedNew).toBe('1/2');
    expect(
      judge('a@h', info({ file: { exists: true, type: 'regular', mode: 0o600, content: 'new' } }), true, true, ['b@h', 'c@h']).ok,
    ).toBe(false);
    expect(judge('a@h', info(), true, true, ['b@h']).meshSame).toBe(false);
  });
});

describe('journal files and the lock', () => {
  it('writes secrets 0600 and refuses a state directory others can read', () => {
    const dir = join(tempDir(), 'state');
    ensureStateDir(dir, process.getuid?.() ?? 0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    writeSecretFile(join(dir, 'j.json'), '{}');
    expect(statSync(join(dir, 'j.json')).mode & 0o777).toBe(0o600);
    chmodSync(dir, 0o755);
    expect(() => ensureStateDir(dir, process.getuid?.() ?? 0)).toThrow(/must be a directory of yours with mode 0700/);
  });

  it('refuses a lock held by a live process and takes over a dead one', () => {
    const dir = join(tempDir(), 'lock');
    mkdirSync(dir, { mode: 0o700 });
    const notes: string[] = [];
    const stderr = { write: (s: string) => notes.push(s) } as unknown as NodeJS.WritableStream;
    writeFileSync(join(dir, 'rotate.lock'), JSON.stringify({ pid: process.ppid, startedAt: 'then', host: hostname() }));
    expect(() => takeLock(dir, { stderr } as never)).toThrow(`another rotation is running: pid ${process.ppid}, started then`);
    writeFileSync(join(dir, 'rotate.lock'), JSON.stringify({ pid: 2 ** 22 + 1, startedAt: 'then', host: hostname() }));
    const release = takeLock(dir, { stderr } as never);
    expect(notes.join('')).toContain('taking over the lock of a rotation that is no longer running');
    expect(JSON.parse(readFileSync(join(dir, 'rotate.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });
});
