/** The only place ejctl exits (by setting the exit code; nothing calls process.exit). */
import { run } from './cli.js';
import { processCtx } from './context.js';

// A reader that went away (`ejctl registered_users HOST | head -1`) ends ejctl quietly, as it
// ends any Unix filter: without this, Node turns the EPIPE of the next write into an uncaught
// error with a stack trace and exit 1. The command's own exit code stands.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stream.destroy();
  });
}

// No top-level await: the bundle is CommonJS (see scripts/build.mjs).
void run(process.argv.slice(2), processCtx()).then((code) => {
  process.exitCode = code;
});
