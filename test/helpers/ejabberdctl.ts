/**
 * Debian's ejabberdctl 23.01 against a test node: run as root it would switch to the ejabberd
 * user and read that user's cookie, so it runs as the ejabberd user itself (setpriv) with HOME
 * set to the test node's cookie dir and the test node's cfg.
 */
import { execa } from 'execa';
import { epmdPort, type CliResult } from './env.js';
import type { TestNode } from './node.js';

const EJABBERDCTL = '/usr/sbin/ejabberdctl';

/** The argv of that run: setpriv as the ejabberd user, then ejabberdctl with the node's options. */
export function ejabberdctlArgv(n: Pick<TestNode, 'dir' | 'cfgPath' | 'node' | 'spool' | 'logs'>, args: string[]): string[] {
  return [
    '--reuid',
    'ejabberd',
    '--regid',
    'ejabberd',
    '--clear-groups',
    EJABBERDCTL,
    '--config-dir',
    n.dir,
    '--ctl-config',
    n.cfgPath,
    '--node',
    n.node,
    '--spool',
    n.spool,
    '--logs',
    n.logs,
    ...args,
  ];
}

export async function ejabberdctl(
  n: Pick<TestNode, 'dir' | 'cfgPath' | 'node' | 'spool' | 'logs' | 'home'>,
  args: string[],
): Promise<CliResult> {
  const r = await execa('setpriv', ejabberdctlArgv(n, args), {
    env: { HOME: n.home, ERL_EPMD_PORT: epmdPort() },
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    cwd: n.spool,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}
