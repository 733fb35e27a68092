/**
 * How a report reaches people and scripts: a table grouped by severity (colour only on a TTY
 * without NO_COLOR), or one JSON object whose shape `schemaVersion` names (docs/audit.md).
 */
import { formatMode } from '../system/files.js';
import { STYLES } from '../colour.js';
import { SEVERITIES, severityRank, type AuditReport, type Finding, type Severity } from './types.js';

/** Bump on any incompatible change of the JSON below; adding a field is compatible. */
export const SCHEMA_VERSION = 1;

export interface ReportMeta {
  node: string;
  ctlConfig: string;
  failOn: Severity;
}

export function failed(report: Pick<AuditReport, 'findings'>, failOn: Severity): boolean {
  return report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function reportJson(report: AuditReport, meta: ReportMeta): string {
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    node: meta.node,
    ctlConfig: meta.ctlConfig,
    failOn: meta.failOn,
    passed: !failed(report, meta.failOn),
    counts: countBySeverity(report.findings),
    findings: report.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      evidence: f.evidence,
      fix: f.fix,
      path: f.path ?? null,
      fixMode: f.fixMode === undefined ? null : formatMode(f.fixMode),
    })),
    skipped: report.skipped.map((s) => ({ check: s.check, reason: s.reason })),
    durationMs: report.durationMs,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function reportTable(report: AuditReport, meta: ReportMeta, colour: boolean): string {
  const paint = (sev: Severity, text: string) => (colour ? `\x1b[${STYLES[sev]}m${text}\x1b[0m` : text);
  const lines = [`ejctl audit of ${meta.node} (cfg ${meta.ctlConfig})`, ''];
  const idWidth = Math.max(0, ...report.findings.map((f) => f.id.length), ...report.skipped.map((s) => s.check.length));
  for (const severity of [...SEVERITIES].reverse()) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(paint(severity, `${severity.toUpperCase()} (${group.length})`));
    for (const f of group) {
      lines.push(`  ${f.id.padEnd(idWidth)}  ${f.title}`);
      const indent = ' '.repeat(idWidth + 4);
      lines.push(`${indent}seen: ${f.evidence}`, `${indent}fix:  ${f.fix}`);
    }
    lines.push('');
  }
  if (report.findings.length === 0) lines.push('No findings.', '');
  if (report.skipped.length > 0) {
    lines.push(`SKIPPED (${report.skipped.length}): not checked, not passed`);
    for (const s of report.skipped) lines.push(`  ${s.check.padEnd(idWidth)}  ${s.reason}`);
    lines.push('');
  }
  lines.push(summaryLine(report, meta));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: AuditReport, meta: ReportMeta): string {
  const counts = countBySeverity(report.findings);
  const parts = [...SEVERITIES]
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`);
  const total = `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  const verdict = failed(report, meta.failOn) ? `FAIL: findings at ${meta.failOn} or above` : `PASS: nothing at ${meta.failOn} or above`;
  return `${total}, ${report.skipped.length} skipped, ${report.durationMs} ms. ${verdict}.`;
}
