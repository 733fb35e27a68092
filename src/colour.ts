/**
 * Colour where it helps a person, never where a program reads: only on a terminal, never with
 * NO_COLOR set (https://no-color.org) or TERM=dumb.
 */
import type { Ctx } from './context.js';

export type Paint = (text: string) => string;

const plain: Paint = (text) => text;
const sgr =
  (code: string): Paint =>
  (text) =>
    `\x1b[${code}m${text}\x1b[0m`;

export const STYLES = { error: '1;31', warning: '33', high: '1;31', medium: '33', low: '36', info: '2', ok: '32' } as const;
export type Style = keyof typeof STYLES;

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** A painter for `stream`: `paint('error', text)`. */
export function painter(stream: { isTTY?: boolean }, env: Ctx['env']): (style: Style, text: string) => string {
  const on = colourWanted(stream, env);
  return (style, text) => (on ? sgr(STYLES[style]) : plain)(text);
}
