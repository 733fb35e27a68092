/** The only place ejctl exits. */
import { run } from './cli.js';
import { processCtx } from './context.js';

process.exitCode = await run(process.argv.slice(2), processCtx());
