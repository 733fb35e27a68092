/** What the audit returns: findings and skipped checks, as data. Nothing here prints or exits. */

/** Ascending: a `--fail-on` level fails on itself and everything after it. */
export const SEVERITIES = ['info', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** Stable kebab-case id, listed in docs/audit.md. */
  id: string;
  severity: Severity;
  title: string;
  /** What was seen (paths, modes, addresses, pids); never a secret. */
  evidence: string;
  fix: string;
  path?: string;
  /** For permission findings: the mode that clears every loose bit of `path` (one mode per path). */
  fixMode?: number;
}

export interface Skip {
  /** Name of the check (see docs/audit.md). */
  check: string;
  reason: string;
}

export interface AuditReport {
  findings: Finding[];
  skipped: Skip[];
  durationMs: number;
}

/** What one area of checks produced. */
export interface CheckResult {
  findings: Finding[];
  skipped: Skip[];
}

export const emptyResult = (): CheckResult => ({ findings: [], skipped: [] });

export function mergeResults(results: readonly CheckResult[]): CheckResult {
  return { findings: results.flatMap((r) => r.findings), skipped: results.flatMap((r) => r.skipped) };
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(text: string): text is Severity {
  return (SEVERITIES as readonly string[]).includes(text);
}

/** Highest severity first, then id, then path: the order of both outputs. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id) || (a.path ?? '').localeCompare(b.path ?? ''),
  );
}
