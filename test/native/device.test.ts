/**
 * The standard output the native io server plays: OTP 25's latin1 device, or the unicode device
 * of OTP 26+ in a UTF-8 locale (measured with `erl -noshell` on Debian 12 and 13: src/native/deviceEncoding.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceBytes } from '../../src/native/chardata.js';
import { controlNodeEncoding, utf8Locale } from '../../src/native/deviceEncoding.js';
import { IoServer } from '../../src/native/ioServer.js';
import { atom, ErlString, Tuple } from '../../src/native/term.js';
import { cleanupTempDirs, tempDir } from '../helpers/env.js';

const hex = (b: Buffer) => b.toString('hex');

describe('device bytes', () => {
  const ue = [0xfc]; // ü
  const nichi = [0x65e5]; // 日
  it('latin1 device (OTP 25): one byte up to 255, \\x{...} beyond, UTF-8 binaries decoded', () => {
    expect(hex(deviceBytes(ue, 'unicode', 'latin1'))).toBe('fc');
    expect(deviceBytes(nichi, 'unicode', 'latin1').toString('latin1')).toBe('\\x{65E5}');
    expect(hex(deviceBytes(Buffer.from('ü'), 'unicode', 'latin1'))).toBe('fc');
    expect(hex(deviceBytes(new ErlString(Buffer.from([0xfc])), 'latin1', 'latin1'))).toBe('fc');
  });
  it('unicode device (OTP 27, UTF-8 locale): UTF-8 for every character, latin1 data converted', () => {
    expect(deviceBytes(ue, 'unicode', 'unicode').toString('utf8')).toBe('ü');
    expect(deviceBytes(nichi, 'unicode', 'unicode').toString('utf8')).toBe('日');
    expect(deviceBytes(Buffer.from('ü日'), 'unicode', 'unicode').toString('utf8')).toBe('ü日');
    expect(deviceBytes(Buffer.from([0xfc]), 'latin1', 'unicode').toString('utf8')).toBe('ü');
    expect(deviceBytes(new ErlString(Buffer.from([0xc3, 0xbc])), 'unicode', 'unicode').toString('utf8')).toBe('Ã¼');
    expect(() => deviceBytes(nichi, 'latin1', 'unicode')).toThrow();
  });
  it('getopts names the device encoding', async () => {
    const io = (device: 'latin1' | 'unicode') =>
      new IoServer(
        () => Promise.resolve({ ok: false }),
        undefined,
        () => device,
      );
    const enc = async (device: 'latin1' | 'unicode') => {
      const reply = await io(device).handle(atom('getopts'), () => {});
      return (reply as Tuple[]).find((t) => t.items[0] === atom('encoding'))?.items[1];
    };
    expect(await enc('latin1')).toBe(atom('latin1'));
    expect(await enc('unicode')).toBe(atom('unicode'));
  });
});

describe('which device: the local OTP release and the locale', () => {
  afterAll(() => cleanupTempDirs());
  const erlRoot = (release: string) => {
    const root = tempDir();
    mkdirSync(join(root, 'releases', release), { recursive: true });
    return root;
  };
  it.each([
    ['25', { LANG: 'C.UTF-8' }, 'latin1'],
    ['27', { LANG: 'C.UTF-8' }, 'unicode'],
    ['27', { LANG: 'en_US.utf8' }, 'unicode'],
    ['27', { LANG: 'C' }, 'latin1'],
    ['27', {}, 'latin1'],
    ['27', { LC_ALL: 'C', LANG: 'C.UTF-8' }, 'latin1'],
    ['26', { LC_CTYPE: 'de_DE.UTF-8' }, 'unicode'],
  ])('OTP %s with %j: %s', (release, env, want) => {
    expect(controlNodeEncoding(env, erlRoot(release))).toBe(want);
  });
  it('no readable Erlang: latin1', () => {
    expect(controlNodeEncoding({ LANG: 'C.UTF-8' }, '/nonexistent')).toBe('latin1');
    expect(utf8Locale({ LANG: 'C.UTF-8' })).toBe(true);
  });
});
