/**
 * A progress line on stderr while a step runs, only on a terminal (scripts read stderr too):
 * `Waiting for NODE to start... 3 s`, redrawn every half second and erased when the step ends.
 */
import type { Ctx } from './context.js';

const REDRAW_MS = 500;

export async function withProgress<T>(ctx: Pick<Ctx, 'stderr' | 'now'>, text: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  const run = () => (typeof work === 'function' ? work() : work);
  if (ctx.stderr.isTTY !== true) return run();
  const begin = ctx.now();
  const draw = () => ctx.stderr.write(`\r${text}... ${Math.round((ctx.now() - begin) / 1000)} s`);
  draw();
  const timer = setInterval(draw, REDRAW_MS);
  try {
    return await run();
  } finally {
    clearInterval(timer);
    ctx.stderr.write('\r\x1b[K');
  }
}
