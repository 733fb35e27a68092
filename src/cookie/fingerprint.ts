/**
 * A short name for a cookie that operators can compare across hosts without showing it: the
 * first 64 bits of SHA-256 over a fixed label and the cookie. The label keeps this hash apart
 * from any other use of SHA-256 on the cookie (ejabberd itself derives its shared_key as
 * sha(cookie)), so the fingerprint gives nothing that helps with either.
 */
import { createHash } from 'node:crypto';

const FINGERPRINT_LABEL = 'ejctl-cookie-fingerprint-v1\0';

/** e.g. `3f9a:0c12:77be:e401` */
export function cookieFingerprint(cookie: string): string {
  const hex = createHash('sha256').update(FINGERPRINT_LABEL, 'utf8').update(cookie, 'latin1').digest('hex');
  return (hex.slice(0, 16).match(/.{4}/g) ?? []).join(':');
}
