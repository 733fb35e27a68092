/** A throw-away Unix user for owner tests, created by the test and removed afterwards. */
import { execa } from 'execa';
import { lookupUser, type UnixUser } from '../../src/system/users.js';

export async function createThrowawayUser(): Promise<UnixUser> {
  const name = `ejctltest${process.pid}`;
  await execa('/usr/sbin/useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]);
  const user = lookupUser({ passwd: '/etc/passwd' }, name);
  if (!user) throw new Error(`useradd did not create ${name}`);
  return user;
}

/** Removes only the user this test run created (its name carries our pid). */
export async function removeThrowawayUser(user: UnixUser | undefined): Promise<void> {
  if (user?.name !== `ejctltest${process.pid}`) return;
  await execa('/usr/sbin/userdel', [user.name], { reject: false });
}
