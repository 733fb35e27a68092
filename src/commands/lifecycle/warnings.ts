/** ejabberdctl's warnings before an interactive shell, word for word, and its `read -r _`. */
import { readSync } from 'node:fs';
import type { Ctx } from '../../context.js';

const RULE = '--------------------------------------------------------------------';
const BYPASS = [
  RULE,
  'To bypass permanently this warning, add to ejabberdctl.cfg the line:',
  '  EJABBERD_BYPASS_WARNINGS=true',
  'Press return to continue',
];

export const DEBUG_WARNING = [
  RULE,
  '',
  'IMPORTANT: we will attempt to attach an INTERACTIVE shell',
  'to an already running ejabberd node.',
  'If an ERROR is printed, it means the connection was not successful.',
  'You can interact with the ejabberd node if you know how to use it.',
  'Please be extremely cautious with your actions,',
  'and exit immediately if you are not completely sure.',
  '',
  'To detach this shell from ejabberd, press:',
  '  control+c, control+c',
  '',
  ...BYPASS,
];

export const LIVE_WARNING = [
  RULE,
  '',
  'IMPORTANT: ejabberd is going to start in LIVE (interactive) mode.',
  'All log messages will be shown in the command shell.',
  'You can interact with the ejabberd node if you know how to use it.',
  'Please be extremely cautious with your actions,',
  'and exit immediately if you are not completely sure.',
  '',
  'To exit this LIVE mode and stop ejabberd, press:',
  '  q().  and press the Enter key',
  '',
  ...BYPASS,
];

/** Prints the warning on stdout and waits for a line on stdin (or its end), unless bypassed. */
export function showWarning(ctx: Pick<Ctx, 'stdout' | 'stdin'>, bypass: boolean, lines: readonly string[]): void {
  if (bypass) return;
  ctx.stdout.write(`${lines.join('\n')}\n`);
  readLineSync((ctx.stdin as { fd?: number }).fd ?? 0);
  ctx.stdout.write('\n');
}

/** The answer is only waited for: after this many bytes without a newline (`</dev/zero`) we go on. */
const MAX_ANSWER_BYTES = 4096;

/**
 * A blocking read, one byte at a time, so nothing after the line is taken from the shell that
 * inherits stdin next. A non-blocking stdin (EAGAIN) is polled.
 */
function readLineSync(fd: number): void {
  const byte = Buffer.alloc(1);
  for (let read = 0; read < MAX_ANSWER_BYTES; read++) {
    let n: number;
    try {
      n = readSync(fd, byte, 0, 1, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      read--; // waiting is not reading
      continue;
    }
    if (n === 0 || byte[0] === 0x0a || byte[0] === 0x0d) return;
  }
}
