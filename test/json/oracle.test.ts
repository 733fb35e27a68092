/**
 * The oracle of `ejctl --json`: for the same command, arguments and API version on the same
 * node, ejctl prints what ejabberd's own HTTP API (mod_http_api, on a loopback listener of the
 * test node) answers, on both transports, and exits as ejctl (and so ejabberdctl) does without
 * --json. An answer that is not 200 is compared as ejctl writes it: the API's error object as
 * it is, a bare string as {status: "error", code: HTTP status, message: string} (docs/json.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmppClient } from '../helpers/cluster.js';
import { isRoot } from '../helpers/env.js';
import { callApi, type ApiAnswer } from '../helpers/httpApi.js';
import { useTestNode } from '../helpers/node.js';
import { ORACLE_CASES, type OracleCase } from './cases.js';

const TRANSPORTS = ['native', 'erl'] as const;

/** What ejctl must print for an HTTP API answer. */
export function expectedFromApi(a: ApiAnswer): unknown {
  if (a.status === 200) return a.json;
  const isObject = typeof a.json === 'object' && a.json !== null && (a.json as { status?: unknown }).status === 'error';
  return isObject ? a.json : { status: 'error', code: a.status, message: a.json };
}

/** A session's uptime (seconds) moves between two calls; everything else must be equal. */
function withoutUptime(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUptime);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'uptime' ? 0 : withoutUptime(x)]));
  }
  return v;
}

const cliArgs = (c: OracleCase): string[] => c.cli ?? Object.values(c.api).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
const versionArgs = (c: OracleCase): string[] => (c.version === undefined ? [] : ['--version', String(c.version)]);

describe.skipIf(!isRoot)('ejctl --json equals the HTTP API of the same node', () => {
  const n = useTestNode({ httpApi: true, c2s: true });
  let client: XmppClient | undefined;

  beforeAll(async () => {
    expect((await n.ctl(['register', 'alice', 'localhost', 'pw1'])).exitCode).toBe(0);
    client = await XmppClient.login(n.c2sPort!, 'alice', 'pw1');
  });
  afterAll(() => client?.close());

  const undo = async (c: OracleCase) => {
    for (const u of c.undo ?? []) await n.ctl(u);
  };

  for (const c of ORACLE_CASES) {
    it(`${c.title}: same JSON on both transports, same exit code as without --json`, async () => {
      for (const b of c.before ?? []) await n.ctl(b);
      const api = await callApi(n.apiPort!, c.command, c.api, c.version ?? 0);
      expect({ status: api.status, body: api.body }).toMatchObject({ status: c.http });
      const expected = withoutUptime(expectedFromApi(api));
      if (c.nonEmpty) expect(Object.keys(expected as object).length).toBeGreaterThan(0);
      for (const transport of TRANSPORTS) {
        await undo(c);
        const json = await n.ctl(['--transport', transport, '--json', ...versionArgs(c), c.command, ...cliArgs(c)]);
        expect({ transport, json: withoutUptime(JSON.parse(json.stdout)) }).toEqual({ transport, json: expected });
        expect(json.stdout.endsWith('\n') && json.stdout.indexOf('\n') === json.stdout.length - 1).toBe(true);
        await undo(c);
        const plain = await n.ctl(['--transport', transport, ...versionArgs(c), c.command, ...cliArgs(c)]);
        expect({ transport, exitCode: json.exitCode }).toEqual({ transport, exitCode: plain.exitCode });
      }
    });
  }
});
