/**
 * The oracle of `ejctl --json`, shared by the releases tested (test/json/oracle.test.ts on the
 * host's 23.01, test/release/debian13Json.test.ts on Debian 13's 24.12): for the same command,
 * arguments and API version on the same node, ejctl prints what ejabberd's own HTTP API answers,
 * on every transport, and exits as ejctl (and so ejabberdctl) does without --json. An answer
 * that is not 200 is compared as ejctl writes it: the API's error object as it is, a bare
 * string as {status: "error", code: HTTP status, message: string} (docs/json.md).
 */
import { expect } from 'vitest';
import type { CliResult } from '../helpers/env.js';
import { callApi, type ApiAnswer } from '../helpers/httpApi.js';
import type { OracleCase } from './cases.js';

/** What ejctl must print for an HTTP API answer. */
export function expectedFromApi(a: ApiAnswer): unknown {
  if (a.status === 200) return a.json;
  const isObject = typeof a.json === 'object' && a.json !== null && (a.json as { status?: unknown }).status === 'error';
  return isObject ? a.json : { status: 'error', code: a.status, message: a.json };
}

/** A session's uptime (seconds) moves between two calls; everything else must be equal. */
export function withoutUptime(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUptime);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'uptime' ? 0 : withoutUptime(x)]));
  }
  return v;
}

/** The command line's words for a case: its own, or the API's values in order (JSON text for a list or an object). */
export const cliArgs = (c: OracleCase): string[] =>
  c.cli ?? Object.values(c.api).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
const versionArgs = (c: OracleCase): string[] => (c.version === undefined ? [] : ['--version', String(c.version)]);

/** A node under test: its HTTP API, ejctl on each transport, and plain ejctl to prepare and undo. */
export interface OracleTarget {
  apiPort: number;
  /** ejctl with these arguments on one transport (its name, as `--transport` takes it, comes first in the label). */
  transports: { label: string; transport: string; run: (args: string[]) => Promise<CliResult> }[];
  ctl: (args: string[]) => Promise<CliResult>;
  /**
   * The answer the HTTP API built but could not write (its encoder raised, and it sent 400 "400
   * Bad Request", as 24.12 does on OTP 27 for `{[...]}` objects), from another source; none: a failure.
   */
  unwritten?: (c: OracleCase) => Promise<unknown>;
}

/** mod_http_api's answer when something raised outside the command's handler (24.12: its JSON encoder). */
const isUnwritten = (a: ApiAnswer): boolean => a.status === 400 && a.json === '400 Bad Request';

/**
 * One case: the HTTP API's answer (with the status the case expects, so a case cannot pass by
 * comparing two unexpected errors), then ejctl --json on each transport, and the exit code
 * without --json. `undo` puts the node back before each run of a case that changes it; a case
 * without one leaves the node as it was, so its runs go at the same time.
 */
export async function checkOracleCase(t: OracleTarget, c: OracleCase): Promise<void> {
  for (const b of c.before ?? []) await t.ctl(b);
  const api = await callApi(t.apiPort, c.command, c.api, c.version);
  const unwritten = t.unwritten && c.http === 200 && isUnwritten(api);
  if (!unwritten) expect(api.status, `the HTTP API answered ${api.body}`).toBe(c.http);
  const expected = withoutUptime(unwritten ? await t.unwritten!(c) : expectedFromApi(api));
  if (c.nonEmpty) expect(Object.keys(expected as object).length).toBeGreaterThan(0);
  const words = [...versionArgs(c), c.command, ...cliArgs(c)];
  const runs = t.transports.map(({ transport, run }) => [
    () => run(['--transport', transport, '--json', ...words]),
    () => run(['--transport', transport, ...words]),
  ]);
  let results: CliResult[][];
  if (c.undo === undefined) results = await Promise.all(runs.map((pair) => Promise.all(pair.map((r) => r()))));
  else {
    results = [];
    for (const pair of runs) {
      const done: CliResult[] = [];
      for (const r of pair) {
        for (const u of c.undo) await t.ctl(u);
        done.push(await r());
      }
      results.push(done);
    }
  }
  for (const [i, { label }] of t.transports.entries()) {
    const [json, plain] = results[i]!;
    expect({ label, json: withoutUptime(JSON.parse(json!.stdout)) }, json!.stderr).toEqual({ label, json: expected });
    expect(json!.stdout.endsWith('\n') && json!.stdout.indexOf('\n') === json!.stdout.length - 1).toBe(true);
    expect({ label, exitCode: json!.exitCode }).toEqual({ label, exitCode: plain!.exitCode });
  }
}
