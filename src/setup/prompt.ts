/**
 * The only door to Inquirer. Every question names the flag that answers it, so that without a
 * terminal (or with CI set) a missing answer becomes one usage error naming that flag instead of
 * a wait for input that never comes; and Ctrl-C at any prompt becomes one EjctlError, which
 * leaves the files as they were because nothing is written before the confirmation.
 * Inquirer itself is imported only when a question is really put.
 */
import { createRequire } from 'node:module';
import type { Ctx } from '../context.js';
import { EjctlError, usageError } from '../errors.js';

/** 128 + SIGINT, as a shell reports a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

interface Base {
  message: string;
  /** The flag that answers this question without a terminal, e.g. `--node NAME`. */
  flag: string;
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  readonly interactive: boolean;
  input(q: Base & { default?: string; validate?: (v: string) => string | undefined }): Promise<string>;
  secret(q: Base & { validate?: (v: string) => string | undefined }): Promise<string>;
  select<T>(q: Base & { choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(q: Base & { choices: (Choice<T> & { checked: boolean })[] }): Promise<T[]>;
  confirm(q: Base & { default: boolean }): Promise<boolean>;
}

type PromptCtx = Pick<Ctx, 'stdin' | 'stderr' | 'env'>;

/** CI systems set CI to anything but these when a run is unattended. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export function canPrompt(ctx: PromptCtx): boolean {
  return ctx.stdin.isTTY === true && ctx.stderr.isTTY === true && !isCi(ctx.env);
}

export function createPrompter(ctx: PromptCtx): Prompter {
  const interactive = canPrompt(ctx);
  const context = { input: ctx.stdin, output: ctx.stderr, clearPromptOnDone: false };
  const ask = async <T>(q: Base, put: (p: typeof import('@inquirer/prompts')) => Promise<T>): Promise<T> => {
    if (!interactive) throw missingAnswer(q, ctx);
    // require(), not import(): ejctl runs as a CommonJS bundle that has no dynamic import
    // (scripts/build.mjs); Node 20.19+ loads this ES module package synchronously.
    const prompts = createRequire(import.meta.url)('@inquirer/prompts') as typeof import('@inquirer/prompts');
    try {
      return await put(prompts);
    } catch (err) {
      throw asInterrupted(err);
    }
  };
  const check = (validate?: (v: string) => string | undefined) => (v: string) => validate?.(v) ?? true;
  return {
    interactive,
    input: (q) => ask(q, (p) => inputWithDefault(p, q, context)),
    secret: (q) => ask(q, (p) => p.password({ message: q.message, validate: check(q.validate) }, context)),
    select: <T>(q: Base & { choices: Choice<T>[]; default?: T }) =>
      ask(q, (p) =>
        p.select<T>({ message: q.message, choices: q.choices, ...(q.default === undefined ? {} : { default: q.default }) }, context),
      ),
    checkbox: <T>(q: Base & { choices: (Choice<T> & { checked: boolean })[] }) =>
      ask(q, (p) => p.checkbox<T>({ message: q.message, choices: q.choices }, context)),
    confirm: (q) => ask(q, (p) => yesOrNo(p, q, context)),
  };
}

type Prompts = typeof import('@inquirer/prompts');
type PromptContext = Parameters<Prompts['input']>[1];

/**
 * Inquirer's input forgets its default when Backspace is pressed on an empty line, so a person
 * who typed a letter and erased it past the start could no longer take the default. The default
 * is shown in the question instead, and an empty answer means it, whatever was typed and erased.
 */
async function inputWithDefault(
  p: Prompts,
  q: Base & { default?: string; validate?: (v: string) => string | undefined },
  context: PromptContext,
): Promise<string> {
  const fallback = q.default;
  const resolve = (v: string) => (v === '' && fallback !== undefined ? fallback : v);
  const answer = await p.input(
    {
      message: fallback ? `${q.message} (${fallback})` : q.message,
      validate: (v) => q.validate?.(resolve(v)) ?? true,
      transformer: (v, { isFinal }) => (isFinal ? resolve(v) : v),
    },
    context,
  );
  return resolve(answer);
}

const YES = ['y', 'yes'];
const NO = ['n', 'no'];

/** y, yes, n or no (any case), or Enter for the default; anything else is asked again (Inquirer's confirm took it as the default). */
async function yesOrNo(p: Prompts, q: Base & { default: boolean }, context: PromptContext): Promise<boolean> {
  const meaning = (v: string): boolean | undefined => {
    const w = v.trim().toLowerCase();
    if (w === '') return q.default;
    return YES.includes(w) ? true : NO.includes(w) ? false : undefined;
  };
  const answer = await p.input(
    {
      message: `${q.message} ${q.default ? '(Y/n)' : '(y/N)'}`,
      validate: (v) => (meaning(v) === undefined ? `Answer y (yes) or n (no), or press Enter for ${q.default ? 'yes' : 'no'}` : true),
      transformer: (v, { isFinal }) => (isFinal ? (meaning(v) ? 'yes' : 'no') : v),
    },
    context,
  );
  return meaning(answer) === true;
}

function missingAnswer(q: Base, ctx: PromptCtx): EjctlError {
  const why = isCi(ctx.env) ? 'CI is set' : 'there is no terminal to ask in';
  return usageError(
    `setup needs an answer to "${q.message}" and ${why}: pass ${q.flag}`,
    'Or pass --yes to take the secure default for every question not answered by a flag.',
  );
}

/** Inquirer's Ctrl-C (ExitPromptError) and an aborted prompt become one error; others pass. */
function asInterrupted(err: unknown): unknown {
  const name = err instanceof Error ? err.name : '';
  if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
    return new EjctlError('setup interrupted: nothing was changed', EXIT_INTERRUPTED);
  }
  return err;
}
