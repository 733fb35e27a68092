/**
 * What operators expect of a production CLI and did not find (issue 14): ejctl's own version
 * without taking ejabberdctl's `--version N`, and `--verbose` naming the transport used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ejctl, ROOT } from './helpers/env.js';
import { useTestNode } from './helpers/node.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe("ejctl's version", () => {
  it('-V prints it, --help names it; --version stays ejabberd API version option', async () => {
    expect(await ejctl(['-V'])).toMatchObject({ exitCode: 0, stdout: `ejctl ${version}\n`, stderr: '' });
    expect((await ejctl(['--help'])).stdout).toMatch(new RegExp(`^ejctl ${version.replace(/\./g, '\\.')}: `));
    // --version N is passed on to the node, as ejabberdctl does: with --dry-run, in the plan's argv.
    const r = await ejctl(['-c', '/dev/null', '--dry-run', '--version', '2', 'status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain(`ejctl ${version}`);
  });
});

describe('--verbose names the transport', () => {
  const n = useTestNode();

  it('native by default, erl when asked, each with where the choice came from', async () => {
    const auto = await n.ctl(['--verbose', 'status']);
    expect(auto.exitCode).toBe(0);
    expect(auto.stderr).toContain(
      'ejctl: transport native (auto: plain TCP distribution, which ejctl speaks itself: no Erlang VM is started)\n',
    );
    const erl = await n.ctl(['--verbose', '--transport', 'erl', 'status']);
    expect(erl.exitCode).toBe(0);
    expect(erl.stderr).toContain('ejctl: transport erl (from --transport)\n');
    const env = await n.ctl(['--verbose', 'status'], { env: { EJCTL_TRANSPORT: 'erl' } });
    expect(env.stderr).toContain('ejctl: transport erl (EJCTL_TRANSPORT (from the environment))\n');
  });
});
