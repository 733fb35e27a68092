/**
 * A new cookie that cannot be guessed: 44 characters drawn uniformly from letters and digits
 * (44 x log2(62) = 262 bits) with the OS's cryptographic generator. Letters and digits are safe
 * everywhere a cookie goes (argv of tools that still take -setcookie, shell words, vm.args) and
 * can never start with '-' or '+'. OTP's own cookie has 36 bits (CVE-2018-1279).
 */
import { randomBytes } from 'node:crypto';

export const COOKIE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const GENERATED_COOKIE_LENGTH = 44;

/** Largest multiple of the alphabet size that fits a byte: bytes at or above it are dropped, so no character is favoured. */
const ACCEPT_BELOW = 256 - (256 % COOKIE_ALPHABET.length);

export function generateCookie(): string {
  let cookie = '';
  while (cookie.length < GENERATED_COOKIE_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte >= ACCEPT_BELOW) continue;
      cookie += COOKIE_ALPHABET[byte % COOKIE_ALPHABET.length];
      if (cookie.length === GENERATED_COOKIE_LENGTH) break;
    }
  }
  return cookie;
}
