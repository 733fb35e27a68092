/** ejctl's own help, version and man page: one source, so they say the same. */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ejctl, ROOT } from './helpers/env.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('version', () => {
  it("-V prints ejctl's version, the one in package.json, and --help names it", async () => {
    const r = await ejctl(['-V']);
    expect(r).toMatchObject({ exitCode: 0, stdout: `ejctl ${pkg.version}\n`, stderr: '' });
    expect((await ejctl(['--help'])).stdout).toMatch(/^ {2}-V {2,}print ejctl's version/m);
  });

  it("--version N stays ejabberdctl's API version option, passed to the node with the command", async () => {
    const r = await ejctl(['--dry-run', '--version', '1', 'status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("ejabberd_ctl:process for '--version' with 2 more argument(s) (not shown)");
  });
});

describe('the man page ejctl(8)', () => {
  const man = join(ROOT, 'dist/man/ejctl.8');

  it('renders without warnings and holds every command, option and exit code of --help', async () => {
    const check = await execa('groff', ['-man', '-ww', '-z', man], { reject: false });
    expect(check.stderr).toBe('');
    const text = (await execa('groff', ['-man', '-Tutf8', '-P', '-cbou', man])).stdout.replace(/\u2010/g, '-');
    const help = (await ejctl(['--help'])).stdout;
    const words = new Set(help.match(/(?<=\s)(--?[a-zA-Z][\w-]*|[a-z][a-z-]{2,}(?=[ |]))/g) ?? []);
    expect(words.size).toBeGreaterThan(30);
    for (const w of words) expect(text, w).toContain(w);
    expect(text).toMatch(/^NAME\n\s+ejctl - a drop-in/m);
    for (const [code, meaning] of [
      ['64', 'ejctl usage'],
      ['77', 'cookie or permission'],
      ['130', 'interrupted'],
    ]) {
      expect(text).toMatch(new RegExp(`^\\s+${code}\\s+${meaning}$`, 'm'));
    }
  });
});
