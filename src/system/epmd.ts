/**
 * A small EPMD client (erts/doc: "Distribution Protocol", EPMD section): NAMES_REQ to list the
 * nodes a host has, PORT_PLEASE2_REQ to find one node's distribution port. Each request uses its
 * own connection, as EPMD closes it after the answer.
 */
import { connect } from 'node:net';

export const DEFAULT_EPMD_PORT = 4369;

export type EpmdFailure = { ok: false; reason: 'refused' | 'timeout' | 'unresolved' | 'error'; detail: string };

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

function request(host: string, port: number, payload: Buffer, timeoutMs: number): Promise<Buffer | EpmdFailure> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const fail = (reason: EpmdFailure['reason'], detail: string) => {
      socket.destroy();
      resolve({ ok: false, reason, detail });
    };
    socket.setTimeout(timeoutMs, () => fail('timeout', `no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.on('connect', () => {
      const frame = Buffer.alloc(2 + payload.length);
      frame.writeUInt16BE(payload.length, 0);
      payload.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') fail('refused', `nothing listens on ${host}:${port}`);
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') fail('unresolved', `the host name ${host} does not resolve`);
      else fail('error', `${host}:${port}: ${err.code ?? err.message}`);
    });
  });
}

export async function epmdNames(host: string, port: number, timeoutMs = 2000): Promise<EpmdNames | EpmdFailure> {
  const answer = await request(host, port, Buffer.from([110]), timeoutMs);
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

export async function epmdPortPlease(
  host: string,
  port: number,
  name: string,
  timeoutMs = 2000,
): Promise<EpmdNode | { ok: true; found: false } | EpmdFailure> {
  const answer = await request(host, port, Buffer.concat([Buffer.from([122]), Buffer.from(name, 'utf8')]), timeoutMs);
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
