/** ejctl's own error outcomes of --json (those the HTTP API has no answer for); docs/json.md. */
import { Exit } from '../errors.js';
import { writeAtom } from '../native/atomText.js';
import type { JsonOutcome } from './call.js';
import { errorObject } from './format.js';

/** ejabberdctl's line for a node it cannot reach, as the message; code 503, exit 3. */
export function unreachableOutcome(node: string, reason: string, note: string): JsonOutcome {
  const message = `Failed RPC connection to the node ${writeAtom(node)}: ${reason}`;
  return { exitCode: Exit.unreachable, body: errorObject(503, message), note };
}
