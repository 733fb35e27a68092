import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCtlConfig } from '../../src/config/cfgParse.js';
import { KNOWN_VARIABLES, resolveSettings, unknownVariables } from '../../src/config/settings.js';
import { ROOT } from '../helpers/env.js';

describe('ejabberdctl.cfg.example', () => {
  const file = join(ROOT, 'ejabberdctl.cfg.example');
  const text = readFileSync(file, 'utf8');

  it('documents every variable ejctl reads', () => {
    for (const name of KNOWN_VARIABLES) expect(text).toMatch(new RegExp(`^#' ${name}:`, 'm'));
  });

  it('parses, sets only known variables, and suggests loopback distribution with a firewall window', () => {
    const cfg = parseCtlConfig(text, file, {});
    expect(unknownVariables(cfg)).toEqual([]);
    const s = resolveSettings({
      flags: {},
      env: {},
      cfg,
      ctlConfigPath: file,
      base: { configDir: '/etc/ejabberd', logsDir: '/var/log/ejabberd', spoolDir: '/var/lib/ejabberd' },
      findUser: () => undefined,
      currentHome: '/root',
    });
    expect(s.inetDistInterface).toBe('127.0.0.1');
    expect(s.erlEpmdAddress).toBe('127.0.0.1');
    expect(s.firewallWindow).toEqual({ min: 4370, max: 4379 });
  });
});
