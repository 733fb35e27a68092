/** The only place ejctl exits (by setting the exit code; nothing calls process.exit). */
import { run } from './cli.js';
import { processCtx } from './context.js';

// No top-level await: the bundle is CommonJS (see scripts/build.mjs).
void run(process.argv.slice(2), processCtx()).then((code) => {
  process.exitCode = code;
});
