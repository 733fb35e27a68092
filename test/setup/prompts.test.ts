/**
 * What a person typed at setup's prompts and what happened (issue 14), in a real pseudo-terminal:
 * garbage at a yes/no question was taken as yes; a letter typed and erased past the start lost the
 * default; a 3-character cookie pasted to join a cluster was taken with a warning only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanupTempDirs, isRoot } from '../helpers/env.js';
import { hostAddresses } from '../../src/setup/detect.js';
import { createDebianInstall, enableSystemEpmd, snapshot } from './fixture.js';
import { KEY, openTerminal } from './pty.js';

afterAll(() => cleanupTempDirs());

const ADDRESS = hostAddresses().find((a) => !a.internal && a.family === 'IPv4')?.address ?? '127.0.0.1';

describe.skipIf(!isRoot)('setup prompts', () => {
  it('a yes/no question asks again for anything but y, yes, n, no; "no" at the last one changes nothing', async () => {
    const inst = await createDebianInstall();
    enableSystemEpmd(inst);
    const before = snapshot(inst.dir);
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--single', '--node', inst.node]);
    await t.waitFor('❯ Create a new strong cookie');
    await t.press(KEY.enter);
    await t.waitFor('Fix these permission problems');
    await t.press(KEY.enter);

    await t.waitFor('Restrict it to 127.0.0.1:4369 with a drop-in? (Y/n)');
    await t.type('maybe');
    await t.press(KEY.enter);
    await t.waitFor('Answer y (yes) or n (no), or press Enter for yes');
    await t.press(...Array<string>(5).fill(KEY.backspace));
    await t.type('N');
    await t.press(KEY.enter);

    const plan = await t.waitFor('Apply these changes? (Y/n)');
    expect(plan).not.toContain('epmd.socket.d/ejctl-listen.conf: ListenStream');
    await t.type('sure');
    await t.press(KEY.enter);
    await t.waitFor('Answer y (yes) or n (no), or press Enter for yes');
    await t.press(...Array<string>(4).fill(KEY.backspace));
    await t.type('no');
    await t.press(KEY.enter);
    await t.waitFor('setup cancelled: nothing was changed');
    expect(await t.exited).toBe(1);
    expect(snapshot(inst.dir)).toEqual(before);
  });

  it('a letter typed and erased past the start: Enter still takes the default', async () => {
    const inst = await createDebianInstall();
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--dry-run']);
    await t.waitFor(`Node name (a short name such as ejabberd@localhost uses -sname) (${inst.node})`);
    await t.type('x');
    await t.press(KEY.backspace, KEY.backspace, KEY.backspace);
    await t.press(KEY.enter);
    await t.waitFor('❯ Single node'); // the next question: the default was taken
    expect(t.screen()).not.toContain('is not of the form name@host');
    await t.press(KEY.enter);
    await t.waitFor('❯ Create a new strong cookie');
    await t.press(KEY.enter);
    await t.waitFor('Fix these permission problems');
    await t.press(KEY.enter);
    expect(await t.exited).toBe(0);
    expect(t.screen()).toContain('INET_DIST_INTERFACE  (not set) -> 127.0.0.1'); // the plan was shown
    expect(t.screen()).not.toContain('ERLANG_NODE'); // with the node name unchanged
  });

  it('a weak cookie pasted to join a cluster is refused unless confirmed; Enter (no) asks for another', async () => {
    const inst = await createDebianInstall();
    const strong = 'Hq4Wx9Zr2Lm7Kp3Vb8Nc5Td1Fg6Js0Ya2Ue4Io8Pw';
    const args = [
      '--cluster',
      '--interface',
      ADDRESS,
      '--firewall-window',
      '4400-4409',
      '--peers',
      '192.0.2.10',
      '--fix-permissions',
      '--no-tls',
    ];
    const t = openTerminal(['setup', '--config-dir', inst.dir, '--systemd-dir', inst.systemdDir, '--node', inst.node, ...args]);
    await t.waitFor('❯ Start a new cluster');
    await t.press(KEY.down);
    await t.waitFor('❯ Join an existing cluster');
    await t.press(KEY.enter);

    await t.waitFor("Paste the cluster's cookie");
    await t.type('abc');
    await t.press(KEY.enter);
    await t.waitFor(
      /This cookie holds about \d+ bits, under 128: whoever guesses it controls every node of the cluster\. Import it anyway .*\(y\/N\)/,
    );
    await t.press(KEY.enter); // the default: no
    await t.waitFor("Paste the cluster's cookie");
    await t.type(strong);
    await t.press(KEY.enter);
    await t.waitFor('Load the firewall now');
    await t.type('n');
    await t.press(KEY.enter);

    await t.waitFor('Apply these changes? (Y/n)');
    await t.type('y');
    await t.press(KEY.enter);
    await t.waitFor('Cookie fingerprint:');
    expect(await t.exited).toBe(0);
    expect(readFileSync(inst.cookieFile, 'latin1')).toBe(strong);
    expect(t.screen()).not.toContain(strong);
    expect(t.screen()).not.toContain('abc');
  });
});
