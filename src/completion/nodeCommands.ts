/**
 * ejabberd's command names and argument names, from the node itself
 * (`ejabberd_commands:list_commands/0`), cached per node in ejctl's per-user cache directory.
 * The cache is used while the node keeps the same EPMD registration (a restart, which may load
 * other modules, registers it anew) and for at most CACHE_TTL_MS; then it is refreshed from the
 * node. When the node cannot be reached, a cached list of any age is better than none.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import { parseGlobalArgs } from '../argv.js';
import { loadSettings } from '../config/load.js';
import type { Settings } from '../config/settings.js';
import { readCookie } from '../cookie/read.js';
import { openSession } from '../native/open.js';
import { Atom, ErlString, Tuple, type Term } from '../native/term.js';
import { epmdPort, epmdPortPlease } from '../system/epmd.js';
import type { NodeCommand } from './complete.js';

export const CACHE_TTL_MS = 10 * 60_000;
const CACHE_LIMIT_BYTES = 4 * 1024 * 1024;
const NODE_DEADLINE_MS = 1500;

interface CacheEntry {
  node: string;
  /** The node's distribution port in EPMD when the list was fetched. */
  registration: number | undefined;
  fetchedAt: number;
  commands: NodeCommand[];
}

export async function nodeCommands(ctx: Ctx, globalWords: string[]): Promise<NodeCommand[]> {
  let settings: Settings;
  try {
    settings = loadSettings(ctx, parseGlobalArgs(globalWords)).settings;
  } catch {
    return [];
  }
  const file = cachePath(settings.node);
  const cached = readCache(file);
  const registration = await currentRegistration(settings, ctx.env);
  const fresh = cached && cached.registration === registration && Date.now() - cached.fetchedAt < CACHE_TTL_MS;
  if (fresh || registration === undefined) return cached?.commands ?? [];
  const commands = await fetchCommands(settings, ctx);
  if (!commands) return cached?.commands ?? [];
  writeCache(file, { node: settings.node, registration, fetchedAt: Date.now(), commands });
  return commands;
}

async function currentRegistration(s: Settings, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if (s.erlDistPort !== undefined) return s.erlDistPort;
  const host = s.nodeName.host === 'localhost' ? '127.0.0.1' : s.nodeName.host;
  const answer = await epmdPortPlease(host, epmdPort(env), s.nodeName.name, NODE_DEADLINE_MS);
  return answer.ok && answer.found ? answer.port : undefined;
}

async function fetchCommands(s: Settings, ctx: Pick<Ctx, 'uid' | 'env'>): Promise<NodeCommand[] | undefined> {
  let cookie: string;
  try {
    cookie = readCookie(s, ctx.uid);
  } catch {
    return undefined;
  }
  const opened = await openSession(s, cookie, ctx.env);
  if (!opened.ok) return undefined;
  try {
    const outcome = await opened.session.call('ejabberd_commands', 'list_commands', [], NODE_DEADLINE_MS);
    return outcome.kind === 'reply' && Array.isArray(outcome.value) ? outcome.value.flatMap(toCommand) : undefined;
  } finally {
    opened.session.close();
  }
}

/** `{Name, [{ArgName, Type}], Desc}` as list_commands/0 returns each command. */
function toCommand(t: Term): NodeCommand[] {
  if (!(t instanceof Tuple) || !(t.items[0] instanceof Atom) || !Array.isArray(t.items[1])) return [];
  const args = t.items[1].flatMap((a) => (a instanceof Tuple && a.items[0] instanceof Atom ? [a.items[0].name] : []));
  return [{ name: t.items[0].name, args, description: text(t.items[2]) }];
}

function text(t: Term | undefined): string {
  if (Buffer.isBuffer(t)) return t.toString('utf8');
  if (t instanceof ErlString) return t.bytes.toString('latin1');
  if (Array.isArray(t) && t.every((c) => typeof c === 'number')) return String.fromCodePoint(...t);
  return '';
}

function cachePath(node: string): string {
  // Loaded here only: completion is the one caller. env-paths honours XDG_CACHE_HOME.
  const { default: envPaths } = createRequire(import.meta.url)('env-paths') as typeof import('env-paths');
  return join(envPaths('ejctl', { suffix: '' }).cache, `commands-${createHash('sha256').update(node).digest('hex').slice(0, 16)}.json`);
}

function readCache(file: string): CacheEntry | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > CACHE_LIMIT_BYTES) return undefined;
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    const entry = JSON.parse(buf.subarray(0, n).toString('utf8')) as CacheEntry;
    return Array.isArray(entry.commands) ? entry : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A new file beside the old one, renamed over it: a reader never sees half a list. */
function writeCache(file: string, entry: CacheEntry): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, JSON.stringify(entry));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
  }
}
