/**
 * Shell completion as a person meets it: the scripts `ejctl completion SHELL` prints, loaded
 * into real bash, zsh (typed into in a pseudo-terminal) and fish, completing ejctl's own words
 * and the commands of a real node, with the node's list cached and refreshed.
 */
import pty from '@lydell/node-pty';
import { execa } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EJCTL, epmdPort, tempDir } from './helpers/env.js';
import { useTestNode, writeFileMode } from './helpers/node.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** A directory holding an `ejctl` on PATH that runs the built binary, and a private HOME. */
function shellEnv(): { env: Record<string, string>; cache: string; dir: string } {
  const dir = tempDir('ejctl-shell-');
  writeFileMode(join(dir, 'ejctl'), `#!/bin/sh\nexec ${process.execPath} ${EJCTL} "$@"\n`, 0o755);
  const cache = join(dir, 'cache');
  const env = {
    PATH: `${dir}:${process.env.PATH ?? ''}`,
    HOME: dir,
    XDG_CACHE_HOME: cache,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    ERL_EPMD_PORT: epmdPort(),
  };
  return { env, cache, dir };
}

async function script(shell: string, dir: string): Promise<string> {
  const r = await execa(process.execPath, [EJCTL, 'completion', shell], { reject: false });
  expect(r.exitCode).toBe(0);
  const file = join(dir, `ejctl.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** What bash offers after `words` (the last one being completed), through the real _ejctl. */
async function bashComplete(words: string[]): Promise<string[]> {
  const { env, dir } = shellEnv();
  const file = await script('bash', dir);
  const quoted = ['ejctl', ...words].map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
  const r = await execa(
    'bash',
    ['-c', `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length}; _ejctl; printf '%s\\n' "\${COMPREPLY[@]}"`],
    {
      env,
      reject: false,
    },
  );
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('ejctl completion', () => {
  it('prints a script for bash, zsh and fish, and refuses another shell with 64', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await execa(process.execPath, [EJCTL, 'completion', shell], { reject: false });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('__complete');
    }
    const r = await execa(process.execPath, [EJCTL, 'completion', 'tcsh'], { reject: false });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain("no completion for the shell 'tcsh'");
  });

  it("bash completes ejctl's own commands, subcommands and options, and file names for -c", async () => {
    expect(await bashComplete(['coo'])).toEqual(['cookie']);
    expect(await bashComplete(['cookie', 'f'])).toEqual(['fingerprint']);
    expect(await bashComplete(['cookie', 'rotate', '--fin'])).toEqual(['--finalize']);
    expect(await bashComplete(['--no-t'])).toEqual(['--no-timeout']);
    expect(await bashComplete(['--transport', 'n'])).toEqual(['native']);
    const dir = tempDir('ejctl-files-');
    writeFileSync(join(dir, 'ejabberdctl.cfg'), '');
    expect(await bashComplete(['-c', join(dir, 'ejabberd')])).toEqual([join(dir, 'ejabberdctl.cfg')]);
  });

  describe("with a real node: ejabberd's commands", () => {
    const n = useTestNode();

    it('bash completes the node command names after the global options', async () => {
      const got = await bashComplete(['-c', n.cfgPath, 'registered_']);
      expect(got).toEqual(expect.arrayContaining(['registered_users', 'registered_vhosts']));
      expect(got.every((w) => w.startsWith('registered_'))).toBe(true);
      expect(await bashComplete(['-c', n.cfgPath, 'help', 'check_passw'])).toEqual(['check_password', 'check_password_hash']);
    });

    it('fish completes node commands with their descriptions', async () => {
      const { env, dir } = shellEnv();
      const file = await script('fish', dir);
      const r = await execa('fish', ['--no-config', '-c', `source ${file}; complete -C 'ejctl -c ${n.cfgPath} check_acc'`], {
        env,
        reject: false,
      });
      expect(r.stdout).toMatch(/^check_account\tCheck if an account exists or not$/m);
      const own = await execa('fish', ['--no-config', '-c', `source ${file}; complete -C 'ejctl cookie fin'`], { env, reject: false });
      expect(own.stdout).toMatch(/^fingerprint\t/m);
    });

    it('zsh, typed into in a terminal: TAB completes a command, then shows the argument names', async () => {
      const { env, dir } = shellEnv();
      const file = await script('zsh', dir);
      const zdot = tempDir('ejctl-zdot-');
      writeFileSync(join(zdot, '.zshrc'), `PS1='%% '\nautoload -U compinit && compinit -u -D\nsource ${file}\n`);
      const term = pty.spawn('zsh', ['-i'], {
        name: 'xterm',
        cols: 200,
        rows: 30,
        env: { ...process.env, ...env, ZDOTDIR: zdot },
        cwd: dir,
      });
      let screen = '';
      term.onData((d) => (screen += d));
      const plain = () => screen.replace(ANSI, '');
      const waitFor = async (re: RegExp) => {
        for (let t = 0; t < 200 && !re.test(plain()); t++) await new Promise((r) => setTimeout(r, 50));
        return plain();
      };
      try {
        await waitFor(/% $/m);
        term.write(`ejctl -c ${n.cfgPath} registered_vh\t`);
        expect(await waitFor(/registered_vhosts /)).toContain(`ejctl -c ${n.cfgPath} registered_vhosts `);
        term.write('\x15'); // Ctrl-U: a new line
        term.write(`ejctl -c ${n.cfgPath} check_password \t`);
        expect(await waitFor(/\[user\]/)).toContain('check_password [user] host password');
      } finally {
        term.kill();
      }
    });

    it('caches the list per node, refreshes it when the node registers anew, and uses it when the node is away', async () => {
      const { env, cache } = shellEnv();
      const run = (words: string[]) =>
        execa(process.execPath, [EJCTL, '__complete', ...words], { env, reject: false, stripFinalNewline: false });
      const first = await run(['-c', n.cfgPath, 'registered_u']);
      expect(first.stdout).toBe('registered_users\tList all registered users in HOST\n');
      const [name] = readdirSync(join(cache, 'ejctl'));
      const file = join(cache, 'ejctl', name ?? '');
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { registration: number; commands: { name: string }[] };
      expect(entry.commands.length).toBeGreaterThan(50);
      // The cached list is what completion answers from while the registration is the same.
      writeFileSync(file, JSON.stringify({ ...entry, commands: [{ name: 'registered_ufo', args: [], description: 'cached' }] }));
      expect((await run(['-c', n.cfgPath, 'registered_u'])).stdout).toBe('registered_ufo\tcached\n');
      // Another registration (the node restarted): the list comes from the node again.
      writeFileSync(
        file,
        JSON.stringify({ ...entry, registration: 1, commands: [{ name: 'registered_ufo', args: [], description: 'x' }] }),
      );
      expect((await run(['-c', n.cfgPath, 'registered_u'])).stdout).toBe('registered_users\tList all registered users in HOST\n');
      // A node that cannot be reached (no EPMD there): the cached list, however old.
      writeFileSync(file, JSON.stringify({ ...entry, fetchedAt: 0, commands: [{ name: 'registered_ufo', args: [], description: 'old' }] }));
      const away = await execa(process.execPath, [EJCTL, '__complete', '-c', n.cfgPath, 'registered_u'], {
        env: { ...env, ERL_EPMD_PORT: '1' },
        stripFinalNewline: false,
        reject: false,
      });
      expect(away.stdout).toBe('registered_ufo\told\n');
    });
  });
});
