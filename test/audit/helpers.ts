/** Shared by the audit tests: run `ejctl audit --json` on a cfg and read the report. */
import { expect } from 'vitest';
import { ejctl, type CliResult } from '../helpers/env.js';

export interface JsonFinding {
  id: string;
  severity: string;
  title: string;
  evidence: string;
  fix: string;
  path: string | null;
  fixMode: string | null;
}

export interface JsonReport {
  schemaVersion: number;
  node: string;
  ctlConfig: string;
  failOn: string;
  passed: boolean;
  counts: Record<string, number>;
  findings: JsonFinding[];
  skipped: { check: string; reason: string }[];
  durationMs: number;
}

export interface AuditRun extends CliResult {
  report: JsonReport;
  ids: string[];
}

export async function auditJson(cfgPath: string, extra: string[] = [], env?: Record<string, string | undefined>): Promise<AuditRun> {
  const r = await ejctl(['-c', cfgPath, 'audit', '--json', ...extra], env ? { env } : {});
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`audit did not print JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, report, ids: report.findings.map((f) => f.id) };
}

/** The findings with this id (and path, when given). */
export function findingsOf(run: AuditRun, id: string, path?: string): JsonFinding[] {
  return run.report.findings.filter((f) => f.id === id && (path === undefined || f.path === path));
}

export function expectFinding(run: AuditRun, id: string, path?: string): JsonFinding {
  const found = findingsOf(run, id, path);
  expect(
    found.map((f) => f.id),
    `${id}${path ? ` for ${path}` : ''} in ${run.ids.join(', ')}`,
  ).toContain(id);
  return found[0] as JsonFinding;
}

export function expectNoFinding(run: AuditRun, id: string, path?: string): void {
  expect(findingsOf(run, id, path), `${id} should be gone`).toEqual([]);
}

/** The network findings a single node can cause (epmd-system-service is the host's, not the node's). */
export const NODE_NETWORK_IDS = [
  'epmd-exposed',
  'dist-exposed',
  'dist-port-outside-window',
  'no-firewall-window',
  'plain-tcp-distribution',
  'long-names',
];
