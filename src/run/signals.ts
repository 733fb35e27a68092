/**
 * Signals ejctl receives while a child runs. The child is in a session of its own, so nothing
 * the terminal sends reaches it: ejctl passes signals on, as sudo does for a command on its pty.
 */
import type { Outcome } from './runner.js';

const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
type Relayed = (typeof RELAYED)[number];

/**
 * `undefined`: stop the child with SIGTERM and report the signal ejctl got (a control node: the
 * caller interrupted ejctl). `true`: pass each on as it is. A map: pass each as the signal it
 * names. With `true` or a map the outcome is the child's own.
 */
export type SignalRelay = undefined | true | Partial<Record<Relayed, NodeJS.Signals>>;

export interface ActiveRelay {
  /** The child's outcome, or the signal that interrupted ejctl when the child was stopped for it. */
  outcome(childOutcome: Outcome): Outcome;
  stop(): void;
}

export function relaySignals(relay: SignalRelay, kill: (signal: NodeJS.Signals) => void): ActiveRelay {
  let interrupted: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (relay === undefined) {
      interrupted ??= signal;
      kill('SIGTERM');
    } else kill(relay === true ? signal : (relay[signal as Relayed] ?? signal));
  };
  RELAYED.forEach((s) => process.on(s, handler));
  return {
    outcome: (childOutcome) => {
      if (interrupted === undefined) return childOutcome;
      const output = childOutcome.kind === 'exited' || childOutcome.kind === 'killed' ? childOutcome : { stdout: '', stderr: '' };
      return { kind: 'killed', signal: interrupted, stdout: output.stdout, stderr: output.stderr };
    },
    stop: () => RELAYED.forEach((s) => process.off(s, handler)),
  };
}
