/** What every lifecycle command shares: the files a launch reads, and an outcome turned into an exit code. */
import { constants } from 'node:os';
import type { Settings } from '../../config/settings.js';
import { inetrcPath } from '../../erl/erlArgs.js';
import { describeOutcome, type Outcome } from '../../run/runner.js';
import { EjctlError, Exit } from '../../errors.js';
import { inetrcPresent, readVmArgs } from '../../system/files.js';

export interface LaunchFiles {
  vmArgsText: string | undefined;
  inetrcExists: boolean;
}

export function launchFiles(s: Pick<Settings, 'vmArgs' | 'configDir'>): LaunchFiles {
  return { vmArgsText: readVmArgs(s.vmArgs), inetrcExists: inetrcPresent(inetrcPath(s)) };
}

/** The child's exit code; 128+N when a signal ended it, as a shell reports it. */
export function exitCodeOf(outcome: Outcome, what: string): number {
  if (outcome.kind === 'exited') return outcome.code;
  if (outcome.kind === 'killed') return 128 + (constants.signals[outcome.signal as NodeJS.Signals] ?? 0);
  throw new EjctlError(`${what} ${describeOutcome(outcome)}`, Exit.error);
}
