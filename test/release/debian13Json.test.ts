/**
 * `ejctl --json` on Debian 13's ejabberd 24.12 (Erlang/OTP 27): the oracle of
 * test/json/oracle.ts against a node inside the Debian 13 root (test/helpers/debian13.ts) with
 * its own name, ports and an `/api` listener on loopback. Native: the host's bin/ejctl.js on the
 * host's Node; erl: the ejctl copied into the root, whose control node is Debian 13's own erl.
 *
 * 24.12 changed command definitions (argument names, add_rosteritem's groups, API versions up
 * to 3): each case's HTTP arguments and command line are built from the definition the node
 * itself gives for that command and API version (ejabberd_commands:get_command_format/3, read
 * with Debian 13's erl), never from what 23.01 defined.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmppClient } from '../helpers/cluster.js';
import { cleanupTempDirs, isRoot, tempDir } from '../helpers/env.js';
import { BUILD_TIMEOUT_MS, logsOf, openDebian13, rootNode, type ReleaseRoot, type RootNode } from '../helpers/debian13.js';
import { createTestNodeFiles, freePort } from '../helpers/node.js';
import { ORACLE_CASES, type OracleCase } from '../json/cases.js';
import { checkOracleCase, expectedFromApi, withoutUptime, type OracleTarget } from '../json/oracle.js';
import { callApi } from '../helpers/httpApi.js';

/** ejabberdctl's and the HTTP API's default API version: the latest (ejabberd_ctl:process/1). */
const LATEST = 1_000_000;

interface Definition {
  known: boolean;
  args?: { name: string; format: string }[];
  result?: { name: string; format: string };
}

/** Erlang evaluated by Debian 13's erl as the node user, connected to the node (its cookie file, never argv); what it prints. */
async function evalNear(r: ReleaseRoot, n: RootNode, body: string): Promise<string> {
  // A dynamic name (no new atom on the node) reports nodedown until it has connected (src/erl/controlScript.ts).
  const script = `true = net_kernel:connect_node('${n.node}'), Node = '${n.node}',\n${body}, halt().`;
  const out = await r.run(['erl', '-sname', 'undefined', '-hidden', '-noshell', '-eval', script], {
    asEjabberd: true,
    env: { HOME: n.home },
    cwd: n.spool,
  });
  expect(out.exitCode, out.stderr).toBe(0);
  return out.stdout;
}

/** The node's definitions of these commands at these API versions: ejabberd_commands:get_command_format/3. */
async function readDefinitions(r: ReleaseRoot, n: RootNode, wanted: [string, number][]): Promise<Map<string, Definition>> {
  const pairs = wanted.map(([c, v]) => `{'${c}', ${v}}`).join(', ');
  const body = [
    `Fmt = fun(T) -> iolist_to_binary(io_lib:format("~w", [T])) end,`,
    `Def = fun({C, V}) -> case rpc:call(Node, ejabberd_commands, get_command_format, [C, noauth, V]) of`,
    `  {Args, _, {RName, RType}} when is_list(Args) ->`,
    `    #{known => true, args => [#{name => N, format => Fmt(F)} || {N, F} <- Args], result => #{name => RName, format => Fmt(RType)}};`,
    `  {error, unknown_command} -> #{known => false};`,
    `  Other -> #{other => Fmt(Other)} end end,`,
    `io:put_chars(json:encode([Def(P) || P <- [${pairs}]]))`,
  ].join('\n');
  const defs = JSON.parse(await evalNear(r, n, body)) as (Definition & { other?: string })[];
  expect({ read: defs.length, failed: defs.filter((d) => d.other !== undefined) }).toEqual({ read: wanted.length, failed: [] });
  return new Map(wanted.map(([c, v], i) => [`${c}/${v}`, defs[i]!]));
}

/** A value of the case as ejabberdctl 24.12 reads a list or a tuple on its command line: `a,b`, `key:value,...`. */
function ctlWord(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(ctlWord).join(',');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}:${ctlWord(x)}`)
    .join(',');
}

/**
 * The case for this node: the values of the case by position, under the names the node's
 * definition gives them (a list argument given one value gets a list of it); on the command
 * line as ejabberdctl 24.12 reads them.
 */
function forNode(c: OracleCase, def: Definition): OracleCase {
  const values = Object.values(c.api);
  if (!def.known) return { ...c, http: 400 }; // mod_http_api:handle/4 answers {error, unknown_command} with 400
  const args = def.args ?? [];
  if (args.length !== values.length) throw new Error(`${c.title}: 24.12 defines ${args.map((a) => a.name).join(', ')}`);
  const api = Object.fromEntries(
    args.map((a, i) => [a.name, a.format.startsWith('{list,') && typeof values[i] === 'string' ? [values[i]] : values[i]]),
  );
  return { ...c, api, cli: values.map(ctlWord) };
}

/**
 * What 24.12's HTTP API built but its encoder (OTP 27's json) could not write: a `{"name":
 * value}` object at API version 0 (the value as version 1 writes it bare), or a list of name and
 * value pairs (get_room_options) as one object, whose pairs Debian 13's ejabberdctl prints as
 * `name<TAB>value` lines. docs/json.md, "Differences from the HTTP API".
 */
async function unwrittenAnswer(n: RootNode, apiPort: number, c: OracleCase, def: Definition): Promise<unknown> {
  const result = def.result!;
  if (/^\{list,\{\w+,\{tuple,\[\{name,string\},\{value,/.test(result.format)) {
    const text = await n.ejabberdctl([c.command, ...(c.cli ?? [])]);
    expect(text.exitCode, text.stdout).toBe(0);
    const lines = text.stdout.split('\n').filter((l) => l !== '');
    return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)]));
  }
  expect(c.version).toBe(0);
  const v1 = await callApi(apiPort, c.command, c.api, 1);
  expect(v1.status, v1.body).toBe(200);
  return { [result.name]: v1.json };
}

/** Commands of the cases that change nothing on the node. */
const READ_ONLY = new Set([
  'registered_users',
  'check_account',
  'check_password',
  'get_roster',
  'stats',
  'stats_host',
  'connected_users_number',
  'incoming_s2s_number',
  'connected_users',
  'connected_users_info',
  'user_sessions_info',
  'get_vcard',
  'muc_online_rooms',
  'get_room_options',
  'get_room_occupants_number',
  'list_cluster',
  'status',
  'get_loglevel',
  'registered_vhosts',
]);

const cookieOf = (r: ReleaseRoot, n: RootNode): string => readFileSync(join(r.dir, n.home, '.erlang.cookie'), 'latin1');

describe.skipIf(!isRoot)('Debian 13: ejctl --json equals the HTTP API of an ejabberd 24.12 node', () => {
  let r: ReleaseRoot;
  let n: RootNode;
  let client: XmppClient | undefined;
  let target: OracleTarget;
  let defs: Map<string, Definition>;
  let hostCtl: (args: string[]) => ReturnType<RootNode['ctl']>;

  beforeAll(async () => {
    r = await openDebian13();
    const [c2sPort, apiPort] = [await freePort(), await freePort()];
    n = rootNode(r, { c2sPort, apiPort });
    expect((await n.ctl(['start'])).exitCode).toBe(0);
    const started = await n.ctl(['started', '--timeout', '90']);
    expect(started.exitCode, `${started.stderr}\n${logsOf(r, n)}`).toBe(0);
    expect((await n.ctl(['register', 'alice', 'localhost', 'pw1'])).exitCode).toBe(0);
    client = await XmppClient.login(c2sPort, 'alice', 'pw1');
    // The host's ejctl reaches the node through its own cfg and a copy of the node's cookie.
    const host = await createTestNodeFiles({ node: n.node, cookie: cookieOf(r, n) });
    hostCtl = (args) => host.ctl(args);
    target = {
      apiPort,
      ctl: (args) => n.ctl(args),
      transports: [
        { label: "native (the host's bin/ejctl.js)", transport: 'native', run: (args) => host.ctl(args) },
        { label: "erl (Debian 13's erl, inside the root)", transport: 'erl', run: (args) => n.ctl(args) },
      ],
      unwritten: (c) => unwrittenAnswer(n, apiPort, c, definitionOf(c)),
    };
    defs = await readDefinitions(
      r,
      n,
      ORACLE_CASES.map((c) => [c.command, c.version ?? LATEST]),
    );
  }, BUILD_TIMEOUT_MS + 180_000);

  afterAll(async () => {
    client?.close();
    await n?.ctl(['stop']);
    await r?.close();
    cleanupTempDirs();
  }, 120_000);

  it('the node is ejabberd 24.12 and defines commands at API versions above 0', async () => {
    const status = await n.ctl(['--json', 'status']);
    expect(status.stdout).toMatch(/ejabberd 24\.12/);
    const v = await readDefinitions(r, n, [
      ['add_rosteritem', 0],
      ['add_rosteritem', 1],
    ]);
    expect(v.get('add_rosteritem/0')?.args?.map((a) => a.name)).toContain('group');
    expect(v.get('add_rosteritem/1')?.args?.map((a) => a.name)).toContain('groups');
    // Its HTTP API encodes with OTP 27's json, which cannot write the `{[...]}` objects it builds.
    const encoded = await evalNear(r, n, `io:format("~p", [rpc:call(Node, misc, json_encode, [{[{<<"stat">>, 0}]}])])`);
    expect(encoded).toMatch(/^\{badrpc,\{'EXIT',\{\{unsupported_type/);
  });

  const definitionOf = (c: OracleCase): Definition => defs.get(`${c.command}/${c.version ?? LATEST}`)!;

  for (const c of ORACLE_CASES) {
    it(`${c.title}: same JSON on both transports, same exit code as without --json`, () =>
      checkOracleCase(target, forNode(c, definitionOf(c))));
  }

  it("ejctl --json batch: each line's result is what the HTTP API answers for that command", async () => {
    // The cases of commands that only read, at the default API version, one line each: the node
    // is in the same state for the HTTP API's answers (first) and for the batch (then).
    const cases = ORACLE_CASES.filter((c) => READ_ONLY.has(c.command) && c.version === undefined && definitionOf(c).known).map((c) =>
      forNode(c, definitionOf(c)),
    );
    const answers = await Promise.all(cases.map((c) => callApi(target.apiPort, c.command, c.api)));
    const lines = cases.map((c) => [c.command, ...(c.cli ?? [])].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' '));
    const file = join(tempDir('ejctl-json-batch-'), 'batch.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const out = await hostCtl(['--json', 'batch', '--keep-going', file]);
    const got = out.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { line: number; result: unknown });
    expect(got.map((g) => g.line)).toEqual(cases.map((_, i) => i + 1));
    const compared = cases
      .map((c, i) => ({ title: c.title, api: answers[i]!, got: got[i]!.result }))
      .filter((x) => x.api.json !== '400 Bad Request'); // what its encoder could not write: see the cases below
    expect(compared.length).toBeGreaterThan(10);
    for (const x of compared)
      expect({ title: x.title, json: withoutUptime(x.got) }).toEqual({ title: x.title, json: withoutUptime(expectedFromApi(x.api)) });
  });
});
