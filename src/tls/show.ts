/** `ejctl tls show` and `ejctl tls check`: what this node's TLS distribution uses, and what is wrong with it. */
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { Exit } from '../errors.js';
import { readTextIfPresent } from '../system/files.js';
import { evaluateTls, gatherTlsFacts } from '../audit/tls.js';
import { sortFindings } from '../audit/types.js';
import { launchWords } from './distTls.js';
import { certFacts, daysLeft } from './inspect.js';

type Where = Pick<Settings, 'node' | 'nodeName' | 'installUser' | 'erlOptions' | 'vmArgs'>;

function factsOf(s: Where) {
  const facts = gatherTlsFacts(launchWords(s, readTextIfPresent(s.vmArgs)));
  return facts === undefined
    ? { reason: `${s.node} does not use TLS distribution (no -proto_dist inet_tls in ERL_OPTIONS or vm.args)` }
    : facts;
}

export function showTls(ctx: Pick<Ctx, 'stdout'>, s: Where): void {
  const facts = factsOf(s);
  if ('reason' in facts) {
    ctx.stdout.write(`${facts.reason}\n`);
    return;
  }
  const lines = [`node: ${s.node}`, `option file: ${facts.optfile.path}`];
  for (const side of ['server', 'client'] as const) {
    const o = facts.optfile[side];
    lines.push(
      `${side}: verify ${String(o.get('verify') ?? 'verify_none')}${side === 'server' ? `, fail_if_no_peer_cert ${String(o.get('fail_if_no_peer_cert') ?? false)}` : ''}, versions ${String(o.get('versions') ?? 'default')}`,
    );
  }
  const seen = new Set<string>();
  for (const c of facts.certs) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    if (!c.cert) {
      lines.push(`${c.role} ${c.path}: unreadable`);
      continue;
    }
    const f = certFacts(c.cert);
    const names = [...f.dnsNames.map((d) => `DNS:${d}`), ...f.ipAddresses.map((a) => `IP:${a}`)].join(', ');
    lines.push(
      `${c.role} ${c.path}: ${f.subject}${names ? ` (${names})` : ''}, issuer ${f.issuer}, valid until ${new Date(f.notAfter).toISOString()} (${daysLeft(f, Date.now())} days), sha256 ${f.fingerprint256}`,
    );
  }
  ctx.stdout.write(`${lines.join('\n')}\n`);
}

export function checkTls(ctx: Pick<Ctx, 'stdout'>, s: Where, json: boolean): number {
  const facts = factsOf(s);
  const findings = 'reason' in facts ? [] : sortFindings(evaluateTls(s, facts, Date.now()).findings);
  const problem = 'reason' in facts ? facts.reason : undefined;
  if (json) ctx.stdout.write(`${JSON.stringify({ node: s.node, problem, findings }, null, 2)}\n`);
  else if (problem) ctx.stdout.write(`${problem}\n`);
  else if (findings.length === 0) ctx.stdout.write(`TLS distribution of ${s.node}: no problem found.\n`);
  else for (const f of findings) ctx.stdout.write(`${f.severity.toUpperCase()} ${f.id}: ${f.evidence}\n  fix: ${f.fix}\n`);
  return problem !== undefined || findings.length > 0 ? Exit.config : Exit.ok;
}
