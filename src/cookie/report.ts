/** The words and the JSON of `ejctl cookie check`. Nothing here ever sees the cookie itself. */
import type { CookieCheck } from './check.js';
import type { Severity } from './inspect.js';

/** The stable --json object: one per run, fields never renamed. */
export interface CookieCheckJson {
  file: string;
  ok: boolean;
  problems: { id: string; severity: Severity; message: string; fix: string }[];
  /** The file OTP would read for the node's user when it is another one; null otherwise. */
  otpWouldRead: string | null;
  /** null when the cookie cannot be read or used. */
  fingerprint: string | null;
}

export function checkJson(check: CookieCheck): CookieCheckJson {
  return {
    file: check.path,
    ok: check.problems.length === 0,
    problems: check.problems.map(({ id, severity, message, fix }) => ({ id, severity, message, fix })),
    otpWouldRead: check.otpWouldRead ?? null,
    fingerprint: check.fingerprint ?? null,
  };
}

export function checkText(check: CookieCheck): string {
  const lines = [`Cookie file: ${check.path}`];
  if (check.fingerprint) lines.push(`Fingerprint: ${check.fingerprint}`);
  if (check.problems.length === 0) {
    lines.push('OK: the cookie is sound.');
  } else {
    lines.push(`${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}:`);
    for (const p of check.problems) lines.push(`  - [${p.severity}] ${p.message}`, `    fix: ${p.fix}`);
  }
  if (check.otpWouldRead) {
    lines.push(`Note: 'ejctl start' points the node at this file; Erlang started another way for this user reads ${check.otpWouldRead}.`);
  }
  return `${lines.join('\n')}\n`;
}
