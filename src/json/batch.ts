/**
 * `ejctl --json batch`: each line's command runs the --json way over the batch's session, and
 * its JSON line gets the typed result in `result` (the HTTP API's answer, or ejctl's error
 * object); `stdout` then holds only what the command printed itself. docs/json.md.
 */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import type { TypedRun } from '../native/batch.js';
import type { Timeout } from '../native/session.js';
import { runJsonCommand, type JsonOutcome } from './call.js';
import { unreachableOutcome } from './errors.js';
import { stringifyJson } from './jiffy.js';
import { nativeRemote } from './remoteNative.js';
import { Unreachable } from './remote.js';
import { readJsonWords } from './words.js';

export function typedRun(s: Pick<Settings, 'node'>, timeout: Timeout, stderr: Ctx['stderr']): TypedRun {
  return async (session, args, printed) => {
    const read = readJsonWords(args);
    let outcome: JsonOutcome;
    if (!read.ok) outcome = read;
    else {
      try {
        outcome = await runJsonCommand(nativeRemote(session, timeout, printed), read.req);
      } catch (err) {
        if (!(err instanceof Unreachable)) throw err;
        outcome = unreachableOutcome(s.node, err.reason, `ejctl: the node ${s.node} did not answer (${err.reason})`);
      }
    }
    if (outcome.note !== undefined) stderr.write(`${outcome.note}\n`);
    return { exitCode: outcome.exitCode, result: stringifyJson(outcome.body) };
  };
}
