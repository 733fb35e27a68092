/** Opening a native session to a test node straight from the source, for tests below the CLI. */
import { parseNodeName } from '../../src/config/validate.js';
import type { NodeName } from '../../src/config/validate.js';
import { openSession } from '../../src/native/open.js';
import type { NativeSession } from '../../src/native/session.js';
import { epmdPort } from '../helpers/env.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

export function nodeNameOf(node: string): NodeName {
  const n = parseNodeName(node);
  if (typeof n === 'string') throw new Error(n);
  return n;
}

export async function openTestSession(n: Pick<TestNode, 'node' | 'cookie'>, cookie = n.cookie): Promise<NativeSession> {
  const target = { node: n.node, nodeName: nodeNameOf(n.node), erlDistPort: undefined, erlOptions: [], vmArgs: '/nonexistent/vm.args' };
  const opened = await openSession(target, cookie, {
    ERL_EPMD_PORT: epmdPort(),
  });
  if (!opened.ok) throw new Error(`could not open a session: ${JSON.stringify(opened.failure)}`);
  return opened.session;
}

/** Calls M:F(Args) on the node and returns the reply, failing the test on anything else. */
export async function callValue(s: NativeSession, mod: string, fun: string, args: unknown[]): Promise<unknown> {
  const o = await s.call(mod, fun, args as never, 30_000);
  if (o.kind !== 'reply') throw new Error(`call ${mod}:${fun} ended with ${o.kind}`);
  return o.value;
}

/** A test node with one account, admin@localhost, for commands that need an existing user. */
export async function startNodeWithAdmin(): Promise<TestNode> {
  const n = await startTestNode();
  const r = await n.ctl(['register', 'admin', 'localhost', 'adminpw']);
  if (r.exitCode !== 0) throw new Error(`could not register admin: ${r.stdout}`);
  return n;
}
