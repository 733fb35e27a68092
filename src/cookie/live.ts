/**
 * Which cookie the running node accepts, found by trying it: one distribution handshake over the
 * native transport, no command run. What replaces or removes a cookie asks this first, because a
 * node keeps the cookie it booted with (FACTS): replace the file under a running node and ejctl is
 * locked out of it (its `stop` gets exit 3).
 */
import type { Settings } from '../config/settings.js';
import { openSession } from '../native/open.js';

/** down: nothing answers for the node; unknown: something answers but the test says nothing (an old node, a timeout). */
export type NodeCookie = 'down' | 'accepts' | 'rejects' | 'unknown';

type Target = Pick<Settings, 'node' | 'nodeName' | 'erlDistPort' | 'erlOptions' | 'vmArgs'>;

export async function probeNodeCookie(s: Target, cookie: string, env: NodeJS.ProcessEnv): Promise<NodeCookie> {
  const opened = await openSession(s, cookie, env);
  if (opened.ok) {
    opened.session.close();
    return 'accepts';
  }
  switch (opened.failure.kind) {
    case 'rejected-cookie':
      return 'rejects';
    case 'not-registered':
    case 'refused':
      return 'down';
    case 'epmd':
      return opened.failure.reason === 'refused' ? 'down' : 'unknown';
    default:
      return 'unknown';
  }
}
