/** `ejctl ... | head -1`: a reader that goes away ends ejctl quietly, as it ends any Unix filter. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EJCTL, epmdPort, tempDir } from './helpers/env.js';
import { useTestNode } from './helpers/node.js';

/** Runs the built binary with its stdout a pipe whose reader is already gone. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const home = tempDir('ejctl-home-');
  const child = spawn(process.execPath, [EJCTL, ...args], {
    env: { ...process.env, HOME: home, ERL_EPMD_PORT: epmdPort() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Closing our end before ejctl has started (it takes tens of ms) makes its first write EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('a closed pipe on stdout', () => {
  it('ejctl --help ends quietly with exit 0', async () => {
    const r = await runWithClosedStdout(['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  describe('a forwarded command', () => {
    const n = useTestNode();
    it('ends quietly with the command exit code, no stack trace', async () => {
      const r = await runWithClosedStdout(['-c', n.cfgPath, 'status']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  });
});
