/**
 * Exit codes and the one error type that carries them. Code throws; only src/cli.ts turns an
 * error into a message and an exit code.
 */
export const Exit = {
  ok: 0,
  /** ejabberd's generic error (also ejctl's "condition not reached", e.g. `started` timing out). */
  error: 1,
  /** ejabberd's usage error, passed through from the node. */
  ejabberdUsage: 2,
  /** The node could not be reached: nodedown, rejected cookie, rpc timeout. */
  unreachable: 3,
  alreadyRunning: 4,
  registeredNoBeam: 5,
  spoolDir: 6,
  wrongUser: 7,
  /** ejctl's own usage errors (sysexits EX_USAGE). */
  usage: 64,
  /** A needed program is not installed (iex, etop's observer) (sysexits EX_UNAVAILABLE). */
  unavailable: 69,
  /** A bug in ejctl (sysexits EX_SOFTWARE). */
  internal: 70,
  /** Cookie or permission problems (sysexits EX_NOPERM). */
  cookie: 77,
  /** The configuration cannot be used (sysexits EX_CONFIG). */
  config: 78,
} as const;

export type ExitCode = number;

export class EjctlError extends Error {
  readonly exitCode: ExitCode;
  /** What the operator can do about it; printed on its own line. */
  readonly hint: string | undefined;
  /** Printed on stdout instead of stderr (ejabberdctl prints some errors on stdout). */
  readonly toStdout: boolean;

  constructor(message: string, exitCode: ExitCode, opts: { hint?: string; toStdout?: boolean } = {}) {
    super(message);
    this.name = 'EjctlError';
    this.exitCode = exitCode;
    this.hint = opts.hint;
    this.toStdout = opts.toStdout ?? false;
  }
}

export const usageError = (message: string, hint?: string): EjctlError =>
  new EjctlError(message, Exit.usage, hint === undefined ? {} : { hint });

export const configError = (message: string, hint?: string): EjctlError =>
  new EjctlError(message, Exit.config, hint === undefined ? {} : { hint });

export const cookieError = (message: string, hint?: string): EjctlError =>
  new EjctlError(message, Exit.cookie, hint === undefined ? {} : { hint });
