/**
 * Step 2: the questions. Each answer follows one rule: the flag, else with --yes the secure
 * default, else a prompt (which, without a terminal, is a usage error naming the flag).
 * Defaults come from what is there, so running setup again and pressing Enter changes nothing.
 */
import { formatMode } from '../system/files.js';
import { usageError } from '../errors.js';
import { checkIpAddress } from '../config/validate.js';
import type { Ctx } from '../context.js';
import type { Finding } from '../audit/types.js';
import { DEFAULT_WINDOW, isLoopback, splitList, validateNode, validatePeers, validateWindow } from './answerChecks.js';
import type { Prompter } from './prompt.js';
import { readImportedCookie } from './importCookie.js';
import { epmdListen, systemEpmdNeedsDropin } from './systemEpmd.js';
import type { Answers, CookieChoice, Detected, SetupFlags, SetupSecrets, Topology } from './types.js';

/** flag, else --yes default, else the prompt; a flag's value is checked like a typed one. */
async function resolveAnswer<T>(
  flags: SetupFlags,
  a: {
    flag: T | undefined;
    flagName: string;
    check?: (v: T) => string | undefined;
    secureDefault: T | undefined;
    prompt: () => Promise<T>;
  },
): Promise<T> {
  if (a.flag !== undefined) {
    const problem = a.check?.(a.flag);
    if (problem) throw usageError(`${a.flagName}: ${problem}`);
    return a.flag;
  }
  if (flags.yes) {
    if (a.secureDefault === undefined) throw usageError(`--yes has no safe default here: pass ${a.flagName}`);
    return a.secureDefault;
  }
  return a.prompt();
}

export async function askQuestions(
  d: Detected,
  flags: SetupFlags,
  p: Prompter,
  ctx: Pick<Ctx, 'stdin' | 'stderr'>,
): Promise<{ answers: Answers; secrets: SetupSecrets }> {
  const node = await askNode(d, flags, p);
  const topology = await askTopology(d, flags, p);
  const cluster = topology === 'cluster' ? await askCluster(d, flags, p) : undefined;
  const cookie = await askCookie(d, flags, p, topology);
  const secrets: SetupSecrets = cookie === 'import' ? { importedCookie: await readImportedCookie(flags, p, ctx) } : {};
  const fixes = await askFixes(d.permissionFindings, flags, p);
  const where = { topology, interface: cluster?.address ?? '127.0.0.1' };
  const answers: Answers = {
    node,
    ...where,
    firewallWindow: cluster?.window ?? singleNodeWindow(d, flags),
    peers: cluster?.peers ?? [],
    cookie,
    fixes,
    restrictSystemEpmd: systemEpmdNeedsDropin(d.systemEpmd, where) && (await askRestrictSystemEpmd(flags, p, epmdListen(where))),
  };
  return { answers, secrets };
}

async function askNode(d: Detected, flags: SetupFlags, p: Prompter): Promise<string> {
  const current = d.settings.node;
  const node = await resolveAnswer(flags, {
    flag: flags.node,
    flagName: '--node NAME',
    check: validateNode,
    secureDefault: current,
    prompt: () =>
      p.input({
        message: 'Node name (a short name such as ejabberd@localhost uses -sname)',
        flag: '--node NAME',
        default: current,
        validate: validateNode,
      }),
  });
  return node.trim();
}

/** A cfg that already puts distribution on a non-loopback address belongs to a cluster member. */
const wasCluster = (d: Detected): boolean => d.settings.inetDistInterface !== undefined && !isLoopback(d.settings.inetDistInterface);

function askTopology(d: Detected, flags: SetupFlags, p: Prompter): Promise<Topology> {
  const current: Topology = wasCluster(d) ? 'cluster' : 'single';
  return resolveAnswer<Topology>(flags, {
    flag: flags.topology,
    flagName: '--single or --cluster',
    secureDefault: current,
    prompt: () =>
      p.select<Topology>({
        message: 'Is this a single ejabberd node, or a member of a cluster?',
        flag: '--single or --cluster',
        default: current,
        choices: [
          { name: 'Single node', value: 'single', description: 'Distribution and EPMD on loopback only: nothing Erlang faces the network' },
          {
            name: 'Cluster member',
            value: 'cluster',
            description: 'Distribution on one address, in a fixed port window, for the peers only',
          },
        ],
      }),
  });
}

/** Not asked: on loopback a window is not needed, but a fixed one costs nothing and keeps audits simple. */
function singleNodeWindow(d: Detected, flags: SetupFlags): string {
  if (flags.firewallWindow === undefined) return currentWindow(d);
  const problem = validateWindow(flags.firewallWindow);
  if (problem) throw usageError(`--firewall-window: ${problem}`);
  return flags.firewallWindow.trim();
}

function currentWindow(d: Detected): string {
  const w = d.settings.firewallWindow;
  return w ? `${w.min}-${w.max}` : DEFAULT_WINDOW;
}

async function askCluster(d: Detected, flags: SetupFlags, p: Prompter): Promise<{ address: string; window: string; peers: string[] }> {
  const current = wasCluster(d) ? d.settings.inetDistInterface : undefined;
  const address = await resolveAnswer(flags, {
    flag: flags.interface,
    flagName: '--interface ADDRESS',
    check: checkIpAddress,
    secureDefault: current,
    prompt: () => askAddress(d, p, current),
  });
  const window = await resolveAnswer(flags, {
    flag: flags.firewallWindow,
    flagName: '--firewall-window MIN-MAX',
    check: validateWindow,
    secureDefault: currentWindow(d),
    prompt: () =>
      p.input({
        message: 'Distribution port window (FIREWALL_WINDOW, MIN-MAX above 1024)',
        flag: '--firewall-window MIN-MAX',
        default: currentWindow(d),
        validate: validateWindow,
      }),
  });
  const peers = await resolveAnswer(flags, {
    flag: flags.peers?.join(','),
    flagName: '--peers ADDRESS,...',
    check: validatePeers,
    secureDefault: '',
    prompt: () =>
      p.input({
        message: "The other nodes' addresses, for the firewall rules (comma-separated; empty: fill in later)",
        flag: '--peers ADDRESS,...',
        default: '',
        validate: validatePeers,
      }),
  });
  return { address, window: window.trim(), peers: splitList(peers) };
}

async function askAddress(d: Detected, p: Prompter, current: string | undefined): Promise<string> {
  const offered = [...d.addresses].sort((a, b) => Number(a.internal) - Number(b.internal));
  const other = '\0other';
  const picked = await p.select<string>({
    message: 'Which address should distribution listen on? (the one the peers reach this host at)',
    flag: '--interface ADDRESS',
    choices: [
      ...offered.map((a) => ({
        name: `${a.address} (${a.interface}${a.internal ? ', loopback: peers cannot reach it' : ''})`,
        value: a.address,
      })),
      { name: 'Another address...', value: other },
    ],
    ...(current ? { default: current } : {}),
  });
  if (picked !== other) return picked;
  return p.input({ message: 'Address', flag: '--interface ADDRESS', validate: checkIpAddress });
}

const SHORT_PROBLEM: Record<string, string> = {
  missing: 'there is none',
  'loose-mode': 'others may read it',
  'wrong-owner': 'it belongs to the wrong user',
  'weak-otp-shape': "made by Erlang's guessable generator, CVE-2018-1279",
  'weak-entropy': 'short or guessable',
};

/** A cookie can be kept when it exists and Erlang can use it; it should be when it is also strong. */
function cookieStatus(d: Detected): { usable: boolean; sound: boolean; note: string } {
  const fatal = d.cookie.problems.filter((x) => x.severity === 'fatal' && x.id !== 'loose-mode' && x.id !== 'wrong-owner');
  const usable = d.cookie.fingerprint !== undefined && fatal.length === 0;
  const sound = usable && d.cookie.problems.every((x) => x.severity !== 'weak');
  const note = d.cookie.problems.map((x) => SHORT_PROBLEM[x.id] ?? x.message).join('; ');
  return { usable, sound, note };
}

async function askCookie(d: Detected, flags: SetupFlags, p: Prompter, topology: Topology): Promise<CookieChoice> {
  const st = cookieStatus(d);
  const check = (c: CookieChoice) =>
    c === 'keep' && !st.usable ? `there is no usable cookie to keep at ${d.cookie.path}${st.note ? ` (${st.note})` : ''}` : undefined;
  return resolveAnswer<CookieChoice>(flags, {
    flag: flags.cookie ?? (flags.cookieFile !== undefined ? 'import' : undefined),
    flagName: '--cookie keep|new|import',
    check,
    secureDefault: st.sound ? 'keep' : 'new',
    prompt: async () => {
      if (topology === 'cluster') {
        const join = await p.select<boolean>({
          message: 'Join an existing cluster, or start a new one?',
          flag: '--cookie import (join) or --cookie keep|new',
          choices: [
            { name: 'Start a new cluster (this is the first node)', value: false },
            { name: 'Join an existing cluster (import its cookie)', value: true },
          ],
        });
        if (join) return 'import';
      }
      return p.select<CookieChoice>({
        message: st.note ? `The cookie in ${d.cookie.path} needs attention: ${st.note}.` : `The cookie in ${d.cookie.path}:`,
        flag: '--cookie keep|new|import',
        choices: [
          ...(st.usable ? [{ name: `Keep it${st.sound ? '' : ' (not recommended)'}`, value: 'keep' as const }] : []),
          { name: 'Create a new strong cookie (the old one is kept as a 0400 backup)', value: 'new' },
        ],
        default: st.sound ? 'keep' : 'new',
      });
    },
  });
}

async function askFixes(findings: Finding[], flags: SetupFlags, p: Prompter): Promise<Finding[]> {
  if (findings.length === 0) return [];
  const all = await resolveAnswer<boolean | Finding[]>(flags, {
    flag: flags.fixPermissions,
    flagName: '--fix-permissions or --no-fix-permissions',
    secureDefault: true,
    prompt: () =>
      p.checkbox<Finding>({
        message: 'Fix these permission problems the audit found? (space toggles, Enter accepts)',
        flag: '--fix-permissions or --no-fix-permissions',
        choices: findings.map((f) => ({
          name: `chmod ${formatMode(f.fixMode ?? 0)} ${f.path ?? ''} (${f.title})`,
          value: f,
          checked: true,
        })),
      }),
  });
  if (Array.isArray(all)) return all;
  return all ? findings : [];
}

function askRestrictSystemEpmd(flags: SetupFlags, p: Prompter, listen: string[]): Promise<boolean> {
  const flag = '--restrict-system-epmd or --no-restrict-system-epmd';
  return resolveAnswer(flags, {
    flag: flags.restrictSystemEpmd,
    flagName: flag,
    secureDefault: true,
    prompt: () =>
      p.confirm({
        message: `systemd's epmd.socket serves EPMD on every address and ignores ERL_EPMD_ADDRESS. Restrict it to ${listen.join(', ')} with a drop-in?`,
        flag,
        default: true,
      }),
  });
}
