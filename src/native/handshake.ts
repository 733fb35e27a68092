/**
 * The messages of the distribution handshake, version 6 (OTP 23+), as pure builders and parsers
 * (erts/doc: "Distribution Protocol", "Distribution Handshake"; lib/kernel/src/dist_util.erl).
 *
 *   we -> node   send_name       'N' Flags:64 Creation:32 NameLen:16 Name
 *   node -> we   recv_status     's' "named:" NameLen:16 Name Creation:32   (or 's' "ok"...)
 *   node -> we   recv_challenge  'N' Flags:64 Challenge:32 Creation:32 NameLen:16 Name
 *   we -> node   challenge_reply 'r' OurChallenge:32 MD5(Cookie ++ decimal(Challenge))
 *   node -> we   challenge_ack   'a' MD5(Cookie ++ decimal(OurChallenge))
 *
 * We ask for a dynamic name (DFLAG_NAME_ME, name = host only): the node picks the name from a
 * pool it reuses once a connection closes, so calls do not add atoms on the node. We never set
 * DFLAG_PUBLISHED, so the connection is hidden and never joins the node's mesh.
 */
import { md5, sameBytes } from './md5.js';
import { urandom } from './random.js';

/** lib/kernel/include/dist.hrl */
export const DFLAG = {
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  EXIT_PAYLOAD: 0x400000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 0x1n << 32n,
  NAME_ME: 0x2n << 32n,
  V4_NC: 0x4n << 32n,
} as const;

/**
 * What we can handle: OTP 25's mandatory set (and its digest bit, which OTP 27 requires),
 * UNICODE_IO so io requests come with their encoding, V4_NC because we decode 64-bit ports and
 * 5-word references, UNLINK_ID (mandatory from OTP 26; we never link), NAME_ME, and SPAWN with
 * EXIT_PAYLOAD: commands run as erpc runs them, in a process spawned by a SPAWN_REQUEST whose
 * monitor's DOWN (PAYLOAD_MONITOR_P_EXIT) brings the result (erpc.ts). The node sends a DOWN only
 * to a peer with both DIST_MONITOR and DIST_MONITOR_NAME (erts dist.c, erts_dsig_send_m_exit);
 * the monitors it then sets on us (io:request monitors its group leader) need no answer.
 */
export const OUR_FLAGS = Object.values(DFLAG).reduce((a, b) => a | b, 0n);

export class HandshakeError extends Error {
  constructor(
    readonly kind: 'status' | 'protocol' | 'bad-ack',
    message: string,
  ) {
    super(message);
  }
}

export function sendName(host: string): Buffer {
  const name = Buffer.from(host, 'utf8');
  const msg = Buffer.alloc(15 + name.length);
  msg.write('N', 0, 'latin1');
  msg.writeBigUInt64BE(OUR_FLAGS, 1);
  msg.writeUInt32BE(0, 9); // a dynamic name gets its creation from the node
  msg.writeUInt16BE(name.length, 13);
  name.copy(msg, 15);
  return msg;
}

/** recv_status: our assigned name and creation. Anything but "named:" ends the handshake. */
export function parseStatus(msg: Buffer): { name: string; creation: number } {
  const text = msg.subarray(0, 7).toString('latin1');
  if (text !== 'snamed:') {
    const status = msg[0] === 0x73 ? msg.subarray(1, 64).toString('latin1') : `unexpected message ${msg[0] ?? 'empty'}`;
    throw new HandshakeError('status', `the node refused the connection (status: ${status})`);
  }
  if (msg.length < 9) throw new HandshakeError('protocol', 'short status message');
  const len = msg.readUInt16BE(7);
  if (msg.length < 9 + len + 4) throw new HandshakeError('protocol', 'short status message');
  return { name: msg.subarray(9, 9 + len).toString('utf8'), creation: msg.readUInt32BE(9 + len) };
}

export interface Challenge {
  flags: bigint;
  challenge: number;
  creation: number;
  name: string;
}

export function parseChallenge(msg: Buffer): Challenge {
  if (msg[0] !== 0x4e || msg.length < 19) {
    throw new HandshakeError('protocol', 'the node did not send a version 6 challenge (is it OTP 23 or newer?)');
  }
  const len = msg.readUInt16BE(17);
  if (msg.length < 19 + len) throw new HandshakeError('protocol', 'short challenge message');
  return {
    flags: msg.readBigUInt64BE(1),
    challenge: msg.readUInt32BE(9),
    creation: msg.readUInt32BE(13),
    name: msg.subarray(19, 19 + len).toString('utf8'),
  };
}

/** MD5 of the cookie followed by the challenge in decimal (dist_util:gen_digest/2). */
export function digest(challenge: number, cookie: string): Buffer {
  return md5(Buffer.from(`${cookie}${challenge >>> 0}`, 'latin1'));
}

export function newChallenge(): number {
  return urandom(4).readUInt32BE(0);
}

export function challengeReply(theirs: number, ours: number, cookie: string): Buffer {
  const msg = Buffer.alloc(21);
  msg.write('r', 0, 'latin1');
  msg.writeUInt32BE(ours, 1);
  digest(theirs, cookie).copy(msg, 5);
  return msg;
}

/** challenge_ack proves the node knows the cookie too; without this check anyone could pose as it. */
export function checkAck(msg: Buffer, ours: number, cookie: string): void {
  if (msg[0] !== 0x61 || msg.length !== 17) throw new HandshakeError('protocol', 'malformed challenge acknowledgement');
  if (!sameBytes(msg.subarray(1), digest(ours, cookie))) {
    throw new HandshakeError('bad-ack', 'the peer answered with a wrong digest: it does not know the cookie (not the real node?)');
  }
}

/** Flags the node must have for us to talk to it. */
export function checkPeerFlags(flags: bigint): void {
  const needed = DFLAG.HANDSHAKE_23 | DFLAG.UTF8_ATOMS | DFLAG.EXTENDED_PIDS_PORTS | DFLAG.BIG_CREATION;
  const mandatory25 = (flags & DFLAG.MANDATORY_25_DIGEST) !== 0n;
  if ((!mandatory25 && (flags & needed) !== needed) || (flags & DFLAG.SPAWN) === 0n) {
    throw new HandshakeError('protocol', 'the node lacks distribution features ejctl needs (OTP 23 or newer is required)');
  }
}
