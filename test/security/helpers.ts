/** Shared by the attack tests: directories of the ejabberd user, inside root-owned test dirs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chownToNodeUser, isRoot, nodeUser, tempDir } from '../helpers/env.js';
import type { LaunchPlan } from '../../src/run/plan.js';

/** A directory the ejabberd user owns (0755), inside `parent`. */
export function nodeUserDir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { mode: 0o755 });
  chownToNodeUser(dir);
  return dir;
}

/**
 * A Node script run as the ejabberd user with stdout and stderr on pipes: a hostile stand-in for
 * a control node that user controls (the rotation's session, the --json erl conversation).
 */
export function scriptAsNodeUser(lines: string[]): LaunchPlan {
  const dir = tempDir();
  const script = join(dir, 'node.js');
  writeFileSync(script, lines.join('\n'), { mode: 0o644 });
  const user = nodeUser();
  return {
    file: process.execPath,
    args: [script],
    env: {},
    cwd: dir,
    ...(isRoot && user ? { user: { name: user.name, uid: user.uid, gid: user.gid } } : {}),
    stdin: { kind: 'ignore' },
    stdout: 'pipe',
    stderr: 'pipe',
  };
}
