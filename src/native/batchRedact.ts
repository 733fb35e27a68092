/**
 * What `batch --json` may echo of a command's arguments. A password-type argument (known by its
 * name in the command's definition on the node: password, newpass, passwordhash, secret, token)
 * and an argument that came from --secret-stdin are replaced by a marker; when the definitions
 * cannot be had, every argument after the command's name is.
 */
import { SECRET_PLACEHOLDER } from '../secret.js';
import type { NativeSession } from './session.js';
import { Atom, Tuple, type Term } from './term.js';

export const REDACTED = '(redacted)';

/** Argument names that hold a secret, in ejabberd's command definitions (23.01 to 24.12). */
const SECRET_NAME = /pass|secret|token|cookie|key/i;

/** Command name -> how many arguments it takes and which of them (0-based, after the name) are secret. */
export type SecretPositions = Map<string, { count: number; secret: number[] }>;

/** One call, `ejabberd_commands:list_commands()`: [{Name, [{ArgName, Type}], Desc}]. */
export async function fetchSecretPositions(session: NativeSession, timeoutMs: number | 'infinity'): Promise<SecretPositions | undefined> {
  const outcome = await session.call('ejabberd_commands', 'list_commands', [], timeoutMs);
  if (outcome.kind !== 'reply' || !Array.isArray(outcome.value)) return undefined;
  const map: SecretPositions = new Map();
  for (const entry of outcome.value) {
    const [name, args] = entry instanceof Tuple ? entry.items : [];
    if (!(name instanceof Atom) || !Array.isArray(args)) continue;
    map.set(name.name, { count: args.length, secret: secretIndexes(args) });
  }
  return map;
}

function secretIndexes(args: Term[]): number[] {
  const out: number[] = [];
  args.forEach((arg, i) => {
    const argName = arg instanceof Tuple ? arg.items[0] : undefined;
    if (argName instanceof Atom && SECRET_NAME.test(argName.name)) out.push(i);
  });
  return out;
}

/**
 * The arguments as --json shows them. `shown` is the line as written (with @SECRET@ where the
 * secret went). A command of policy `user` takes user and host first (ejabberd_commands
 * get_command_format/3), so its arguments then sit two places further. A command the node does
 * not define (or no definitions at all): every argument is redacted.
 */
export function redactArgs(shown: readonly string[], defs: SecretPositions | undefined): string[] {
  const [name, ...rest] = shown;
  if (name === undefined) return [];
  const def = defs?.get(name);
  if (def === undefined) return [name, ...rest.map((a) => (a === SECRET_PLACEHOLDER ? a : REDACTED))];
  const offset = rest.length === def.count + 2 ? 2 : 0;
  const secret = new Set(def.secret.map((p) => p + offset));
  return [name, ...rest.map((a, i) => (secret.has(i) && a !== SECRET_PLACEHOLDER ? REDACTED : a))];
}
