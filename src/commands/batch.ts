/**
 * `ejctl batch [FILE]`: many forwarded commands over one native connection, one per line of FILE
 * (stdin by default), quoted as in a shell. Arguments (passwords too) travel from the file to the
 * node inside the distribution connection: they never reach any process's argv. See docs/native.md.
 */
import type { Ctx } from '../context.js';
import type { GlobalOptions } from '../argv.js';
import { settingsFor } from '../config/settingsFor.js';
import { readCookie } from '../cookie/read.js';
import { RPC_TIMEOUT_MS } from '../erl/controlLaunch.js';
import { EjctlError, Exit, usageError } from '../errors.js';
import { chooseRunAs } from '../runAs.js';
import { ensureSpoolDir } from '../system/spool.js';
import { chooseTransport } from '../native/choose.js';
import { readVmArgs } from '../system/files.js';
import { BatchInputError, batchLines, openBatchSource, type BatchSource } from '../native/batchInput.js';
import { executeBatch, type BatchCommand } from '../native/batch.js';
import type { BatchLine } from '../native/shellWords.js';
import { readSecret, SECRET_PLACEHOLDER } from '../secret.js';
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
    .option('--json', 'print one JSON line per command: {line, args, exitCode, stdout, ms}; `ejctl --json batch` adds the typed result')
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
  if (chooseTransport(s, opts.transport ?? s.transport ?? 'auto', readVmArgs(s.vmArgs)) !== 'native') {
    throw usageError(
      'batch needs the native transport, and this node is set up for the erl one (TLS distribution, -proto_dist or --transport erl)',
      'Run the commands one by one, or see docs/native.md.',
    );
  }
  if (opts.secretStdin && (file === undefined || file === '-')) {
    throw usageError(
      '--secret-stdin reads the secret from stdin, so the batch must come from a FILE',
      `Example: ejctl --secret-stdin batch commands.txt < secret-file (a line of commands.txt holds ${SECRET_PLACEHOLDER})`,
    );
  }
  const source = await openBatchSource(file, ctx.stdin);
  if ('error' in source) throw new EjctlError(source.error, Exit.usage);
  const total = source.kind === 'whole' ? await checkWhole(source, opts.secretStdin) : undefined;
  if (opts.dryRun) {
    const count = total ?? (await checkWhole(source, opts.secretStdin));
    ctx.stdout.write(`transport: native\nwould run ${count} command(s) from ${source.name} over one connection to ${s.node}\n`);
    return Exit.ok;
  }
  const secret = opts.secretStdin ? await readSecret(ctx) : undefined;
  const cookie = readCookie(s, ctx.uid);
  await ensureSpoolDir(s, runAs, ctx);
  const timeout = s.noTimeout ? 'infinity' : RPC_TIMEOUT_MS;
  // `ejctl --json batch`: typed results too (loaded only then).
  const typed = opts.json ? (await import('../json/batch.js')).typedRun(s, timeout, ctx.stderr) : undefined;
  return executeBatch(ctx, s, cookie, withSecret(batchLines(source.open()), secret), {
    keepGoing: o.keepGoing === true,
    json: o.json === true || opts.json,
    timeout,
    source: source.name,
    total,
    ...(typed ? { typed } : {}),
  });
}

/** Reads the whole input once before anything runs: bad quoting, an overlong line or a misplaced @SECRET@ run nothing. */
async function checkWhole(source: BatchSource, secretGiven: boolean): Promise<number> {
  let count = 0;
  let placeholders = 0;
  try {
    for await (const c of withSecret(batchLines(source.open()), secretGiven ? '' : undefined)) {
      count++;
      if (c.shown.includes(SECRET_PLACEHOLDER)) placeholders++;
    }
  } catch (err) {
    if (err instanceof BatchInputError) throw usageError(`${source.name}: ${err.message}; nothing was run`);
    throw err;
  }
  if (secretGiven && placeholders === 0) {
    throw usageError(`--secret-stdin: no line of ${source.name} holds an argument written as ${SECRET_PLACEHOLDER}; nothing was run`);
  }
  return count;
}

/**
 * Puts the secret where an argument is exactly @SECRET@. Without --secret-stdin such a line is an
 * error: the node must never get the placeholder itself as a password.
 */
async function* withSecret(lines: AsyncIterable<BatchLine>, secret: string | undefined): AsyncGenerator<BatchCommand> {
  for await (const { line, args } of lines) {
    if (!args.includes(SECRET_PLACEHOLDER)) {
      yield { line, args, shown: args };
      continue;
    }
    if (secret === undefined) {
      throw new BatchInputError(line, `holds ${SECRET_PLACEHOLDER}, and no secret was given (use --secret-stdin)`);
    }
    yield { line, args: args.map((a) => (a === SECRET_PLACEHOLDER ? secret : a)), shown: args };
  }
}
