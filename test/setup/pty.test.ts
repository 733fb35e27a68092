/**
 * `ejctl setup` as a person uses it: in a real pseudo-terminal, answering with arrow keys,
 * space and Enter, mistyping a value that validation rejects, and pressing Ctrl-C.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cleanupTempDirs, ejctl, isRoot } from '../helpers/env.js';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { join } from 'node:path';
import { createDebianInstall, enableSystemEpmd, snapshot, WEAK_COOKIE } from './fixture.js';
import { hostAddresses } from '../../src/setup/detect.js';
import { KEY, openTerminal } from './pty.js';

afterAll(() => cleanupTempDirs());

describe.skipIf(!isRoot)('ejctl setup in a terminal', () => {
  it('walks a person through a single-node setup with the keyboard', async () => {
    const inst = await createDebianInstall();
    enableSystemEpmd(inst);
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir]);

    await t.waitFor(`Node name (a short name such as ejabberd@localhost uses -sname) (${inst.node})`);
    await t.type('bad name!');
    await t.press(KEY.enter);
    await t.waitFor("'bad name!' is not of the form name@host");
    await t.press(...Array<string>(9).fill(KEY.backspace));
    await t.type(inst.node);
    await t.press(KEY.enter);

    await t.waitFor('❯ Single node');
    await t.press(KEY.down);
    await t.waitFor('❯ Cluster member');
    await t.press(KEY.up);
    await t.waitFor('❯ Single node');
    await t.press(KEY.enter);

    await t.waitFor("needs attention: others may read it; made by Erlang's guessable generator, CVE-2018-1279.");
    await t.waitFor('❯ Create a new strong cookie');
    await t.press(KEY.up);
    await t.waitFor('❯ Keep it (not recommended)');
    await t.press(KEY.down);
    await t.waitFor('❯ Create a new strong cookie');
    await t.press(KEY.enter);

    // Two fixes offered, both ticked: untick the first (ejabberd.yml), keep the logs dir's.
    await t.waitFor('Fix these permission problems');
    await t.waitFor(`${inst.logs} (`);
    await t.press(KEY.space);
    await t.press(KEY.enter);

    // systemd's epmd.socket is enabled in the fixture unit dir: Enter takes the default, yes.
    await t.waitFor('Restrict it to 127.0.0.1:4369 with a drop-in? (Y/n)');
    await t.press(KEY.enter);

    const dropin = join(inst.systemdDir, 'epmd.socket.d/ejctl-listen.conf');
    const plan = await t.waitFor('Apply these changes?');
    expect(plan).toContain(`${dropin}: ListenStream= 127.0.0.1:4369`);
    expect(plan).toContain('INET_DIST_INTERFACE  (not set) -> 127.0.0.1  (appended)');
    expect(plan).toContain(`${inst.logs}: mode 0755 -> 0750`);
    expect(plan).not.toContain(`${inst.ymlPath}: mode`);
    await t.press(KEY.enter);
    // A progress line on stderr for each step while it runs (a terminal only).
    await t.waitFor('Writing the cfg and the cookie... 0 s');
    await t.waitFor('Checking the result... 0 s');
    await t.waitFor('Cookie fingerprint:');
    expect(await t.exited).toBe(0);

    const values = parseCtlConfig(readFileSync(inst.realCfg, 'utf8'), inst.realCfg, {}).values;
    expect([values.get('INET_DIST_INTERFACE'), values.get('ERL_EPMD_ADDRESS'), values.get('FIREWALL_WINDOW')]).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '4370-4379',
    ]);
    expect(readFileSync(inst.cookieFile, 'latin1')).not.toBe(WEAK_COOKIE);
    expect(statSync(inst.cookieFile).mode & 0o7777).toBe(0o400);
    expect(statSync(inst.logs).mode & 0o7777).toBe(0o750);
    expect(statSync(inst.ymlPath).mode & 0o7777).toBe(0o644);
    expect(t.screen()).not.toContain(readFileSync(inst.cookieFile, 'latin1'));
    expect(t.screen()).toContain('systemctl daemon-reload && systemctl restart epmd.socket');
    expect(readFileSync(dropin, 'utf8')).toBe('[Socket]\nListenStream=\nListenStream=127.0.0.1:4369\n');
  });

  it('joins a cluster: picks an address, corrects a bad window, pastes the cookie unseen', async () => {
    const inst = await createDebianInstall();
    const clusterCookie = 'Pq7Rs2Tu9Vw4Xy6Za1Bc3De5Fg8Hi0Jk2Lm4No6Pq';
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir]);
    await t.waitFor('Node name');
    await t.press(KEY.enter);
    await t.waitFor('❯ Single node');
    await t.press(KEY.down);
    await t.waitFor('❯ Cluster member');
    await t.press(KEY.enter);

    // Offered as setup offers them: the host's own addresses, those peers can reach first.
    const [first, second] = hostAddresses().sort((a, b) => Number(a.internal) - Number(b.internal));
    await t.waitFor('Which address should distribution listen on?');
    await t.waitFor(`❯ ${first?.address} (${first?.interface}`);
    await t.press(KEY.down);
    await t.waitFor(`❯ ${second?.address} (${second?.interface}`);
    await t.press(KEY.up);
    await t.waitFor(`❯ ${first?.address} (${first?.interface}`);
    await t.press(KEY.enter);

    await t.waitFor('Distribution port window (FIREWALL_WINDOW, MIN-MAX above 1024) (4370-4379)');
    await t.type('80-90');
    await t.press(KEY.enter);
    await t.waitFor('80 is outside 1024..65535');
    await t.press(...Array<string>(5).fill(KEY.backspace));
    await t.type('4400-4409');
    await t.press(KEY.enter);

    await t.waitFor("The other nodes' addresses");
    await t.type('192.0.2.10');
    await t.press(KEY.enter);

    await t.waitFor('❯ Start a new cluster');
    await t.press(KEY.down);
    await t.waitFor('❯ Join an existing cluster');
    await t.press(KEY.enter);
    await t.waitFor("Paste the cluster's cookie");
    await t.type(clusterCookie);
    await t.press(KEY.enter);

    await t.waitFor('Fix these permission problems');
    await t.press(KEY.enter);
    // Plain TCP and no firewall here (test/setup/ptyTls.test.ts answers yes).
    await t.waitFor('Use TLS distribution between the cluster members');
    await t.type('n');
    await t.press(KEY.enter);
    await t.waitFor('Load the firewall now');
    await t.type('n');
    await t.press(KEY.enter);
    const plan = await t.waitFor('Apply these changes?');
    expect(plan).toContain(`INET_DIST_INTERFACE  (not set) -> ${first?.address}  (appended)`);
    expect(plan).toContain('FIREWALL_WINDOW      (not set) -> 4400-4409  (appended)');
    expect(plan).toMatch(/import: the cluster's cookie; the current one is kept as a 0400 backup \(fingerprint [0-9a-f:]{19}\)/);
    await t.press(KEY.enter);
    await t.waitFor('ip saddr @cluster_peers4 tcp dport { 4369, 4400-4409 } accept');
    expect(await t.exited).toBe(0);
    expect(readFileSync(inst.cookieFile, 'latin1')).toBe(clusterCookie);
    expect(t.screen()).not.toContain(clusterCookie);
  });

  it('after a setup, Enter at every question changes nothing and says so', async () => {
    const inst = await createDebianInstall();
    enableSystemEpmd(inst);
    expect((await ejctl(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--yes'])).exitCode).toBe(0);
    const before = snapshot(inst.dir);
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir]);
    await t.waitFor(`Node name (a short name such as ejabberd@localhost uses -sname) (${inst.node})`);
    await t.press(KEY.enter);
    await t.waitFor('❯ Single node');
    await t.press(KEY.enter);
    await t.waitFor('❯ Keep it');
    await t.press(KEY.enter);
    await t.waitFor('Nothing to change: this installation is already set up this way.');
    expect(await t.exited).toBe(0);
    expect(t.screen()).not.toContain('Fix these permission problems');
    expect(t.screen()).not.toContain('Restrict it to');
    expect(t.screen()).not.toContain('Apply these changes?');
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('Ctrl-C at the confirmation leaves every file exactly as it was', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir]);
    await t.waitFor('Node name');
    await t.press(KEY.enter);
    await t.waitFor('❯ Single node');
    await t.press(KEY.enter);
    await t.waitFor('❯ Create a new strong cookie');
    await t.press(KEY.enter);
    await t.waitFor('Fix these permission problems');
    await t.press(KEY.enter);
    await t.waitFor('Apply these changes?');
    await t.press(KEY.ctrlC);
    await t.waitFor('ejctl: setup interrupted: nothing was changed');
    expect(await t.exited).toBe(130);
    expect(snapshot(inst.dir)).toEqual(before);
    expect(readdirSync(inst.home)).toEqual(['.erlang.cookie']);
  });

  it('Ctrl-C at the first question, too', async () => {
    const inst = await createDebianInstall();
    const before = snapshot(inst.dir);
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir]);
    await t.waitFor('Node name');
    await t.type('half-typed');
    await t.press(KEY.ctrlC);
    await t.waitFor('setup interrupted: nothing was changed');
    expect(await t.exited).toBe(130);
    expect(snapshot(inst.dir)).toEqual(before);
  });
});
