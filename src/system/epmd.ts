/**
 * A small EPMD client (erts/doc: "Distribution Protocol", EPMD section): NAMES_REQ to list the
 * nodes a host has, PORT_PLEASE2_REQ to find one node's distribution port. Each request uses its
 * own connection, as EPMD closes it after the answer.
 *
 * Whatever answers on the EPMD port may be hostile: each request has one overall deadline (DNS,
 * connect, request and answer together), not an idle timeout a byte every second would reset,
 * and each answer a size limit, checked as the bytes come (docs/native.md, "Limits").
 */
import { connect, type Socket } from 'node:net';

export const DEFAULT_EPMD_PORT = 4369;
/** For the whole request. EPMD answers from memory, in well under a millisecond on loopback. */
export const EPMD_DEADLINE_MS = 2000;
/**
 * PORT2_RESP is 14 bytes plus the node's name (at most 255 characters, 1020 bytes in UTF-8) and
 * its "extra" field (empty for OTP nodes): a real answer is below 300 bytes.
 */
export const MAX_PORT_ANSWER = 64 * 1024;
/** NAMES_RESP is 4 bytes and a line of about 30 bytes per node: 1 MiB lists over 30,000 nodes. */
export const MAX_NAMES_ANSWER = 1024 * 1024;

export type EpmdFailure = {
  ok: false;
  /** `slow`: connected, but no whole answer by the deadline; `too-large`: above the size limit. */
  reason: 'refused' | 'timeout' | 'unresolved' | 'error' | 'slow' | 'too-large';
  detail: string;
};

export interface EpmdNames {
  ok: true;
  names: { name: string; port: number }[];
}

export interface EpmdNode {
  ok: true;
  found: true;
  port: number;
  highestVersion: number;
  lowestVersion: number;
  nodeType: number;
  protocol: number;
}

export function epmdPort(env: NodeJS.ProcessEnv): number {
  const port = Number(env.ERL_EPMD_PORT);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_EPMD_PORT;
}

interface Limits {
  deadlineMs: number;
  maxBytes: number;
  /** True once `answer` holds a whole answer, for answers whose length is known in advance. */
  complete?: (answer: Buffer) => boolean;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function request(host: string, port: number, payload: Buffer, limits: Limits): Promise<Buffer | EpmdFailure> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    const socket: Socket = connect({ host, port });
    const done = (result: Buffer | EpmdFailure) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const fail = (reason: EpmdFailure['reason'], detail: string) => done({ ok: false, reason, detail });
    const timer = setTimeout(
      () =>
        connected
          ? fail(
              'slow',
              `did not send a whole answer within ${seconds(limits.deadlineMs)} (${received} byte${received === 1 ? '' : 's'} came)`,
            )
          : fail('timeout', `no connection to ${host}:${port} within ${seconds(limits.deadlineMs)}`),
      limits.deadlineMs,
    );
    socket.on('connect', () => {
      connected = true;
      const frame = Buffer.alloc(2 + payload.length);
      frame.writeUInt16BE(payload.length, 0);
      payload.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('data', (c: Buffer) => {
      received += c.length;
      if (received > limits.maxBytes) return fail('too-large', `sent more than ${limits.maxBytes} bytes, ejctl's limit for this answer`);
      chunks.push(c);
      const answer = limits.complete ? Buffer.concat(chunks) : undefined;
      if (answer && limits.complete?.(answer)) done(answer);
    });
    socket.on('end', () => done(Buffer.concat(chunks)));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') fail('refused', `nothing listens on ${host}:${port}`);
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') fail('unresolved', `the host name ${host} does not resolve`);
      else fail('error', `${host}:${port}: ${err.code ?? err.message}`);
    });
  });
}

export async function epmdNames(host: string, port: number, deadlineMs = EPMD_DEADLINE_MS): Promise<EpmdNames | EpmdFailure> {
  const answer = await request(host, port, Buffer.from([110]), { deadlineMs, maxBytes: MAX_NAMES_ANSWER });
  if (!Buffer.isBuffer(answer)) return answer;
  if (answer.length < 4) return { ok: false, reason: 'error', detail: 'EPMD sent a short answer' };
  const names = answer
    .subarray(4)
    .toString('utf8')
    .split('\n')
    .flatMap((line) => {
      const m = /^name (\S+) at port (\d+)$/.exec(line);
      return m ? [{ name: m[1] ?? '', port: Number(m[2]) }] : [];
    });
  return { ok: true, names };
}

/** PORT2_RESP: 119, Result, and when Result is 0: Port:16 Type Proto High:16 Low:16 Nlen:16 Name Elen:16 Extra. */
function portAnswerComplete(b: Buffer): boolean {
  if (b.length < 2) return false;
  if (b[0] !== 119 || b[1] !== 0) return true;
  if (b.length < 12) return false;
  const nameEnd = 12 + b.readUInt16BE(10);
  return b.length >= nameEnd + 2 && b.length >= nameEnd + 2 + b.readUInt16BE(nameEnd);
}

export async function epmdPortPlease(
  host: string,
  port: number,
  name: string,
  deadlineMs = EPMD_DEADLINE_MS,
): Promise<EpmdNode | { ok: true; found: false } | EpmdFailure> {
  const payload = Buffer.concat([Buffer.from([122]), Buffer.from(name, 'utf8')]);
  const answer = await request(host, port, payload, { deadlineMs, maxBytes: MAX_PORT_ANSWER, complete: portAnswerComplete });
  if (!Buffer.isBuffer(answer)) return answer;
  if (answer[0] !== 119 || answer.length < 2) return { ok: false, reason: 'error', detail: 'EPMD sent an unexpected answer' };
  if (answer[1] !== 0 || answer.length < 12) return { ok: true, found: false };
  return {
    ok: true,
    found: true,
    port: answer.readUInt16BE(2),
    nodeType: answer[4] ?? 0,
    protocol: answer[5] ?? 0,
    highestVersion: answer.readUInt16BE(6),
    lowestVersion: answer.readUInt16BE(8),
  };
}
