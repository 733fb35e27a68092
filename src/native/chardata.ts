/**
 * What the erl transport's standard output does with characters, so both transports print the
 * same bytes. A `-noshell` control node's `user` device on OTP 25 has encoding latin1
 * (lib/kernel/src/user.erl): a character up to 255 becomes that one byte, a higher one the text
 * `\x{HEX}`; binaries in unicode chardata are UTF-8. On OTP 26 and newer in a UTF-8 locale the
 * device is a unicode one (deviceEncoding.ts): every character is written as UTF-8, latin1 data
 * converted. Data that is not chardata is an error, as there ({error, put_chars}).
 */
import { Writer } from './encode.js';
import { Atom, charList, ErlString, ImproperList, type Term } from './term.js';
import { atomTextEverywhere } from './atomText.js';

export type Encoding = 'unicode' | 'latin1';

export class NotChardata extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes the device (latin1 or unicode) writes for `data` given in encoding `enc`. Throws NotChardata. */
export function deviceBytes(data: Term, enc: Encoding, device: Encoding = 'latin1'): Buffer {
  const out = new Writer();
  emit(data, enc, { out, device }, 0);
  return out.done();
}

interface Sink {
  out: Writer;
  device: Encoding;
}

function emit(t: Term, enc: Encoding, sink: Sink, depth: number): void {
  if (depth > 10_000) throw new NotChardata('too deep');
  if (typeof t === 'number') return emitChar(t, enc, sink);
  if (t instanceof ErlString) return emitLatin1(t.bytes, sink);
  if (Buffer.isBuffer(t)) return emitBinary(t, enc, sink);
  if (Array.isArray(t)) {
    for (const item of t) emit(item, enc, sink, depth + 1);
    return;
  }
  if (t instanceof ImproperList && Buffer.isBuffer(t.tail)) {
    for (const item of t.items) emit(item, enc, sink, depth + 1);
    return emitBinary(t.tail, enc, sink);
  }
  throw new NotChardata('not chardata');
}

function emitChar(c: number, enc: Encoding, { out, device }: Sink): void {
  if (!Number.isInteger(c) || c < 0) throw new NotChardata('not a character');
  if (c <= 127 || (c <= 255 && device === 'latin1')) return out.u8(c);
  if (c <= 255) return out.bytes(Buffer.from(String.fromCodePoint(c), 'utf8'));
  if (enc === 'latin1' || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new NotChardata('not a character');
  if (device === 'unicode') return out.bytes(Buffer.from(String.fromCodePoint(c), 'utf8'));
  out.bytes(Buffer.from(`\\x{${c.toString(16).toUpperCase()}}`, 'latin1'));
}

/** Bytes that are latin1 characters: as they are on a latin1 device, as UTF-8 on a unicode one. */
function emitLatin1(b: Buffer, sink: Sink): void {
  if (sink.device === 'latin1' || isAscii(b)) return sink.out.bytes(b);
  sink.out.bytes(Buffer.from(b.toString('latin1'), 'utf8'));
}

function emitBinary(b: Buffer, enc: Encoding, sink: Sink): void {
  if (enc === 'latin1') return emitLatin1(b, sink);
  if (isAscii(b)) return sink.out.bytes(b);
  let text: string;
  try {
    text = utf8.decode(b);
  } catch {
    throw new NotChardata('a binary that is not UTF-8');
  }
  if (sink.device === 'unicode') return sink.out.bytes(b);
  for (const ch of text) emitChar(ch.codePointAt(0) ?? 0, enc, sink);
}

function isAscii(b: Buffer): boolean {
  for (const x of b) if (x > 127) return false;
  return true;
}

/**
 * io_lib:format/2 for the formats ejabberd_ctl uses most (`~ts~n`, `~s`, `~n`, `~~`, plain
 * text, `~p` of an atom) when each `~s` argument is a flat string, evaluated here to save a
 * round trip (`status` prints its first line with `~p`). Anything else
 * returns undefined and goes to the node, so the result is always what io_lib would give.
 */
export function formatLocally(format: Term | undefined, args: Term | undefined): Term | undefined {
  const fmt = flatChars(format, true);
  if (!fmt || !Array.isArray(args)) return undefined;
  const parts: Term[] = [];
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== 0x7e) {
      parts.push(c ?? 0);
      continue;
    }
    const d = fmt[i + 1];
    const unicode = d === 0x74;
    const conv = unicode ? fmt[i + 2] : d;
    i += unicode ? 2 : 1;
    if (conv === 0x6e && !unicode) parts.push(10);
    else if (conv === 0x7e && !unicode) parts.push(0x7e);
    else if (conv === 0x73) {
      const arg = flatChars(args[next++], unicode);
      if (!arg) return undefined;
      parts.push(arg);
    } else if (conv === 0x70) {
      // `~p` of an atom (`status` prints the node's name and state so).
      const arg = args[next++];
      const text = arg instanceof Atom ? atomTextEverywhere(arg.name) : undefined;
      if (text === undefined) return undefined;
      parts.push(charList(text));
    } else return undefined;
  }
  return next === args.length ? parts : undefined;
}

/** The characters of a flat string (latin1-only unless `unicode`), or undefined. */
function flatChars(t: Term | undefined, unicode: boolean): number[] | undefined {
  if (t instanceof ErlString) return Array.from(t.bytes);
  if (Buffer.isBuffer(t)) return isAscii(t) ? Array.from(t) : undefined;
  if (!Array.isArray(t)) return undefined;
  const max = unicode ? 0x10ffff : 255;
  for (const c of t)
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > max || (c >= 0xd800 && c <= 0xdfff)) return undefined;
  return t as number[];
}
