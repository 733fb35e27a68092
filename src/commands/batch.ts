/**
 * `ejctl batch [FILE]`: many forwarded commands over one native connection, one per line of FILE
 * (stdin by default), quoted as in a shell. Arguments (passwords too) travel from the file to the
 * node inside the distribution connection: they never reach any process's argv. See docs/native.md.
 */
import { readFileSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { settingsFor } from '../cli.js';
import { readCookie } from '../cookie/read.js';
import { RPC_TIMEOUT_MS } from '../erl/controlLaunch.js';
import { EjctlError, Exit, usageError } from '../errors.js';
import { chooseRunAs } from '../runAs.js';
import { ensureSpoolDir } from '../system/spool.js';
import { chooseTransport } from '../native/choose.js';
import { readTextIfPresent } from '../system/files.js';
import { helpShownOrThrow, ownCommand } from './ownCommand.js';

interface BatchOptions {
  keepGoing?: boolean;
  json?: boolean;
}

export async function run(ctx: Ctx, opts: GlobalOptions): Promise<number> {
  let result: number = Exit.ok;
  const program = ownCommand('ejctl batch', ctx)
    .description('run many ejabberd commands, one per line, over one connection to the node')
    .argument('[file]', 'the commands, one per line, quoted as in sh (default: stdin, also "-")')
    .option('--keep-going', 'run every line even after one fails')
    .option('--json', 'print one JSON line per command: {line, args, exitCode, stdout, ms}')
    .action(async (file: string | undefined, o: BatchOptions) => {
      result = await runBatch(ctx, opts, file, o);
    });
  try {
    await program.parseAsync(opts.words.slice(1), { from: 'user' });
  } catch (err) {
    helpShownOrThrow(err, program);
    return Exit.ok;
  }
  return result;
}

async function runBatch(ctx: Ctx, opts: GlobalOptions, file: string | undefined, o: BatchOptions): Promise<number> {
  const s = settingsFor(ctx, opts);
  const runAs = chooseRunAs(s, ctx);
  // Batch exists for the native transport: `auto` unless a transport was chosen explicitly.
  if (chooseTransport(s, opts.transport ?? s.transport ?? 'auto', readTextIfPresent(s.vmArgs)) !== 'native') {
    throw usageError(
      'batch needs the native transport, and this node is set up for the erl one (TLS distribution, -proto_dist or --transport erl)',
      'Run the commands one by one, or see docs/native.md.',
    );
  }
  const { parseBatch, QuoteError } = await import('../native/shellWords.js');
  const text = await readInput(ctx, file);
  let lines;
  try {
    lines = parseBatch(text);
  } catch (err) {
    if (err instanceof QuoteError) throw usageError(`${file ?? 'stdin'}: ${err.message}; nothing was run`);
    throw err;
  }
  if (opts.dryRun) {
    ctx.stdout.write(`transport: native\nwould run ${lines.length} command(s) from ${file ?? 'stdin'} over one connection to ${s.node}\n`);
    return Exit.ok;
  }
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  const { executeBatch } = await import('../native/batch.js');
  return executeBatch(ctx, s, cookie, lines, {
    keepGoing: o.keepGoing === true,
    json: o.json === true,
    timeout: s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS,
  });
}

async function readInput(ctx: Pick<Ctx, 'stdin'>, file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new EjctlError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, Exit.usage);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
