/**
 * Runs the built ejctl in a real pseudo-terminal and types into it the way a person would: wait
 * until a question is on the screen, then press keys. The screen text is kept with its escape
 * sequences stripped, so tests match what a person reads.
 */
import pty from '@lydell/node-pty';
import { EJCTL, epmdPort, tempDir } from '../helpers/env.js';

export const KEY = { enter: '\r', up: '\x1b[A', down: '\x1b[B', space: ' ', backspace: '\x7f', ctrlC: '\x03' } as const;

export interface Terminal {
  /** Everything shown so far, without escape sequences. */
  screen(): string;
  /** Waits until `text` shows up after everything already waited for, and returns what came. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  exited: Promise<number>;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]/g;

export function openTerminal(args: string[], env: Record<string, string | undefined> = {}): Terminal {
  const home = tempDir('ejctl-pty-home-');
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    HOME: home,
    ERL_EPMD_PORT: epmdPort(),
    CI: undefined,
    NO_COLOR: undefined,
    ...env,
  })) {
    if (v !== undefined) merged[k] = v;
  }
  const term = pty.spawn(process.execPath, [EJCTL, ...args], { name: 'xterm-256color', cols: 300, rows: 50, env: merged, cwd: home });
  let raw = '';
  let consumed = 0;
  term.onData((d) => {
    raw += d;
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  const screen = () => raw.replace(ANSI, '');
  return {
    screen,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = screen().slice(consumed);
        const m =
          typeof text === 'string'
            ? rest.includes(text)
              ? { index: rest.indexOf(text), length: text.length }
              : undefined
            : (() => {
                const x = text.exec(rest);
                return x ? { index: x.index, length: x[0].length } : undefined;
              })();
        if (m) {
          consumed += m.index + m.length;
          return rest.slice(0, m.index + m.length);
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${rest}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async press(...keys) {
      for (const k of keys) {
        term.write(k);
        // A person's pace: each key is handled (and the screen redrawn) before the next one.
        await new Promise((r) => setTimeout(r, 120));
      }
    },
    async type(text) {
      term.write(text);
      await new Promise((r) => setTimeout(r, 120));
    },
    exited,
  };
}
