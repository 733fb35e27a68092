/**
 * The oracle of `ejctl --json` on the host's ejabberd 23.01 (test/json/oracle.ts): for each
 * case of test/json/cases.ts, ejctl's JSON on both transports equals what the HTTP API of the
 * same node answers, and the exit code is the one without --json. Debian 13's 24.12 runs the
 * same cases in test/release/debian13Json.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmppClient } from '../helpers/cluster.js';
import { isRoot } from '../helpers/env.js';
import { useTestNode } from '../helpers/node.js';
import { ORACLE_CASES } from './cases.js';
import { checkOracleCase, type OracleTarget } from './oracle.js';

describe.skipIf(!isRoot)('ejctl --json equals the HTTP API of the same node', () => {
  const n = useTestNode({ httpApi: true, c2s: true });
  let client: XmppClient | undefined;
  let target: OracleTarget;

  beforeAll(async () => {
    expect((await n.ctl(['register', 'alice', 'localhost', 'pw1'])).exitCode).toBe(0);
    client = await XmppClient.login(n.c2sPort!, 'alice', 'pw1');
    target = {
      apiPort: n.apiPort!,
      ctl: (args) => n.ctl(args),
      transports: ['native', 'erl'].map((transport) => ({ label: transport, transport, run: (args: string[]) => n.ctl(args) })),
    };
  });
  afterAll(() => client?.close());

  for (const c of ORACLE_CASES) {
    it(`${c.title}: same JSON on both transports, same exit code as without --json`, () => checkOracleCase(target, c));
  }
});
