/**
 * One command with a typed result, the way ejabberdctl runs it and ejabberd's HTTP API formats
 * it: the definition's formats from ejabberd_commands:get_command_format/3, the arguments read
 * as ejabberd_ctl reads them (args.ts), ejabberd_commands:execute_command2/4 with ejabberd_ctl
 * as the caller, then the result as mod_http_api answers it (format.ts, release.ts) and the exit code
 * ejabberdctl gives it (ctlStatus.ts). Unreachable (remote.ts) passes through to the caller.
 */
import { ErlMap, Tuple, atom, isTagged, type Term } from '../native/term.js';
import { readArgs } from './args.js';
import { ctlExitCode } from './ctlStatus.js';
import { errorObject, formatCommandResult, isOneValue, type ApiAnswer } from './format.js';
import { NotJson, type Json } from './jiffy.js';
import { bareAtVersion } from './release.js';
import { applyOnNode, type Remote } from './remote.js';
import { Crash, tupleOf } from './terms.js';
import { internalError, thrownAnswer } from './thrown.js';

export interface JsonRequest {
  /** The command word as typed (dashes are read as underscores, as ejabberd_ctl does). */
  command: string;
  args: readonly string[];
  /** The API version (`--version N`); by default the latest, as ejabberd_ctl:process/1 (ejabberdctl) takes it. */
  version: number;
  /** `--auth USER HOST PASSWORD`, passed on as ejabberd_ctl does. */
  auth?: { user: string; host: string; password: string };
}

export interface JsonOutcome {
  exitCode: number;
  body: Json;
  /** A line for stderr (what the JSON cannot say). */
  note?: string;
}

export async function runJsonCommand(remote: Remote, req: JsonRequest): Promise<JsonOutcome> {
  const name = atom(req.command.replaceAll('-', '_'));
  const formats = await applyOnNode(remote, 'ejabberd_commands', 'get_command_format', [name, authTerm(req), req.version]);
  // An unknown command throws {error, unknown_command}; mod_http_api's handle/4 catches it.
  if (formats.kind === 'throw') return failed(1, thrownAnswer(formats.value));
  const [argsFormat, , resultFormat] = formats.kind === 'return' ? (tupleOf(formats.value, 3) ?? []) : [];
  if (argsFormat === undefined || resultFormat === undefined) return failed(1, internalError(), raisedNote(req));
  const read = await readArgs(remote, req.command, req.args, argsFormat);
  if (!read.ok) return { exitCode: 1, body: errorObject(400, read.message) };
  const run = await applyOnNode(remote, 'ejabberd_commands', 'execute_command2', [name, read.args, callerInfo(req), req.version]);
  if (run.kind === 'raised') return failed(1, internalError(), raisedNote(req));
  // ejabberd_ctl prints what was thrown and exits 1; mod_http_api answers it as handle/4 does.
  if (run.kind === 'throw') return failed(1, thrownAnswer(run.value));
  const result = run.value;
  // mod_http_api throws the reason of `{error, Reason}`; ejabberd_ctl prints it and exits 1.
  if (isTagged(result, 'error', 2)) return failed(1, thrownAnswer(result.items[1] ?? []));
  try {
    const bare = isOneValue(result, resultFormat) && (await bareAtVersion(remote, req.version));
    return { exitCode: ctlExitCode(result, resultFormat), body: formatCommandResult(result, resultFormat, bare).body };
  } catch (err) {
    if (err instanceof Crash || err instanceof NotJson) return failed(ctlExitCode(result, resultFormat), internalError());
    throw err;
  }
}

function failed(exitCode: number, answer: ApiAnswer, note?: string): JsonOutcome {
  return note === undefined ? { exitCode, body: answer.body } : { exitCode, body: answer.body, note };
}

const raisedNote = (req: JsonRequest): string =>
  `ejctl: ${req.command} raised an exception on the node; run it without --json to see ejabberd's report`;

const bin = (text: string): Buffer => Buffer.from(text, 'utf8');

/** ejabberd_ctl's Auth: `noauth`, or `{User, Server, Password, true}` after --auth. */
function authTerm(req: JsonRequest): Term {
  return req.auth ? new Tuple(bin(req.auth.user), bin(req.auth.host), bin(req.auth.password), atom('true')) : atom('noauth');
}

/** ejabberd_ctl's caller info: ejabberd_ctl as the caller module (api_permissions "console commands"). */
function callerInfo(req: JsonRequest): ErlMap {
  const entries: [Term, Term][] = [[atom('caller_module'), atom('ejabberd_ctl')]];
  if (req.auth) {
    entries.unshift([atom('usr'), new Tuple(bin(req.auth.user), bin(req.auth.host), bin(''))], [atom('caller_host'), bin(req.auth.host)]);
  }
  return new ErlMap(entries);
}
