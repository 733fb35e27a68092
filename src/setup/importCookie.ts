/**
 * The cookie of the cluster being joined: from --import-cookie, typed at a hidden prompt, or piped
 * on stdin. Validated like `ejctl cookie import`; a weak one is taken (the cluster runs on it)
 * with a warning to rotate it. It goes nowhere but into memory until apply writes it.
 */
import { LIMITS, readBounded } from '../system/readBounded.js';
import type { Ctx } from '../context.js';
import { cookieError, Exit, usageError } from '../errors.js';
import { checkCookieText } from '../cookie/inspect.js';
import { validateImported } from '../cookie/store.js';
import type { Prompter } from './prompt.js';
import type { SetupFlags } from './types.js';

/** A cookie is at most 255 characters; anything much longer is not one. */
const MAX_READ = 4096;

export async function readImportedCookie(flags: SetupFlags, p: Prompter, ctx: Pick<Ctx, 'stdin' | 'stderr'>): Promise<string> {
  if (flags.cookieFile !== undefined) return validateImported(readCookieSource(flags.cookieFile), true, ctx);
  if (p.interactive) return askClusterCookie(p, ctx);
  if (ctx.stdin.isTTY) throw usageError('--cookie import needs the cookie: pass --import-cookie FILE, or pipe it on stdin');
  return validateImported(await readAll(ctx.stdin), true, ctx);
}

/**
 * A weak cookie typed at the prompt (a 3-character one was taken with a warning only) is refused
 * unless the person says yes to importing it anyway; the default is no, and then it is asked again.
 */
async function askClusterCookie(p: Prompter, ctx: Pick<Ctx, 'stderr'>): Promise<string> {
  for (;;) {
    const typed = await p.secret({
      message: "Paste the cluster's cookie (not shown; compare its fingerprint with `ejctl cookie fingerprint` on a cluster node)",
      flag: '--import-cookie FILE',
      validate: (v) => checkCookieText(v, 'the cookie').find((x) => x.severity === 'fatal')?.message,
    });
    const weak = checkCookieText(typed, 'This cookie').find((x) => x.severity === 'weak');
    if (!weak) return validateImported(typed, false, ctx);
    const anyway = await p.confirm({
      message: `${weak.message}: whoever guesses it controls every node of the cluster. Import it anyway (then rotate it at once: ejctl cookie rotate)?`,
      flag: '--import-cookie FILE',
      default: false,
    });
    if (anyway) return validateImported(typed, true, ctx);
  }
}

/** Reads the file without following a symlink, without blocking on a FIFO, at most 257 bytes. */
function readCookieSource(path: string): string {
  return readBounded(path, {
    limit: LIMITS.cookie,
    what: 'the cookie to import',
    noFollow: true,
    exitCode: Exit.cookie,
    encoding: 'latin1',
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
    if (text.length > MAX_READ) throw cookieError('stdin holds more than a cookie; nothing was stored');
  }
  return text;
}
