/**
 * A typo of one of ejctl's own words: ejabberd's answer (stdout, exit code) is kept, and a line on
 * stderr names the ejctl word that was meant. ejabberd's own command names never get that line.
 */
import { describe, expect, it } from 'vitest';
import { useTestNode } from './helpers/node.js';
import { typoHint } from '../src/typoHint.js';

describe('typos of ejctl words, against a real node', () => {
  const n = useTestNode();

  it("`ejctl stup`: ejabberd's stdout and exit code as they were, and the hint for setup on stderr", async () => {
    const r = await n.ctl(['stup']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("Error: unknown command 'stup'. Did you mean 'stop'?");
    expect(r.stderr).toBe("ejctl: 'stup' is not one of ejctl's commands, so it went to ejabberd; did you mean 'ejctl setup'?\n");
  });

  it('`ejctl audti` and a mistyped option `--nod`', async () => {
    expect((await n.ctl(['audti'])).stderr).toContain("did you mean 'ejctl audit'?");
    const r = await n.ctl(['--nod', n.node, 'status']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "ejctl: '--nod' is not one of ejctl's options, so it was sent to ejabberd as a command; did you mean --node? (options go before the command)\n",
    );
  });

  it('no hint for a command that works, nor after `--`', async () => {
    expect(await n.ctl(['status'])).toMatchObject({ exitCode: 0, stderr: '' });
    const forced = await n.ctl(['--', 'stup']);
    expect(forced.exitCode).toBe(1);
    expect(forced.stderr).toBe('');
  });

  it("none of the node's own command names is taken for a typo of an ejctl word", async () => {
    const tags = await n.ctl(['help', 'tags']);
    expect(tags.exitCode).toBe(0);
    // Command names are the lines indented by five spaces; tags by two.
    const names = tags.stdout
      .split('\n')
      .filter((l) => l.startsWith('     '))
      .flatMap((l) => l.trim().split(/\s+/));
    expect(names.length).toBeGreaterThan(100);
    expect(names).toContain('stats');
    expect(names.filter((c) => typoHint(c) !== undefined)).toEqual([]);
  });
});
