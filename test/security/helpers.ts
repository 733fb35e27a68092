/** Shared by the attack tests: directories of the ejabberd user, inside root-owned test dirs. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chownToNodeUser } from '../helpers/env.js';

/** A directory the ejabberd user owns (0755), inside `parent`. */
export function nodeUserDir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { mode: 0o755 });
  chownToNodeUser(dir);
  return dir;
}
