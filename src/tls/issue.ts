/**
 * A node certificate from the cluster CA: EC P-256, naming the node's host (and any --host),
 * for both serverAuth and clientAuth. Installed on this host, or written to a bundle directory
 * (--out) to carry to the node and install there with `ejctl tls import-node`.
 */
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { parseNodeName } from '../config/validate.js';
import { usageError } from '../errors.js';
import { commit, discard, stageFile, type StagedFile } from '../setup/stagedFile.js';
import { ensureSafeDir } from './dirs.js';
import { loadCa } from './ca.js';
import { installNodeTls } from './install.js';
import { NODE_DAYS } from './layout.js';
import { buildCertPlan, runCertPlan } from './openssl.js';

export interface IssueOptions {
  caDir?: string;
  days?: number;
  hosts: string[];
  out?: string;
  noCfg: boolean;
  dryRun: boolean;
}

type Where = Parameters<typeof installNodeTls>[1] & Pick<Settings, 'node'>;

export async function issueNode(
  ctx: Pick<Ctx, 'uid' | 'env' | 'stdout'>,
  s: Where,
  nodeArg: string | undefined,
  o: IssueOptions,
): Promise<void> {
  const node = nodeArg ?? s.node;
  const parsed = parseNodeName(node.includes('@') ? node : `ejabberd@${node}`);
  if (typeof parsed === 'string') throw usageError(`cannot issue a certificate for ${node}: ${parsed}`);
  const ca = loadCa(ctx.env, o.caDir);
  const days = o.days ?? NODE_DAYS;
  const hosts = [...new Set([parsed.host, ...o.hosts])];
  const plan = buildCertPlan({
    kind: 'node',
    commonName: parsed.host,
    hosts,
    days,
    ca: { certFile: ca.files.cert, keyFile: ca.files.key },
  });
  if (o.dryRun) {
    ctx.stdout.write(`Would issue a certificate for ${hosts.join(', ')} (${days} days) with: ${[plan.file, ...plan.args].join(' ')}\n`);
    return;
  }
  const { pem, keyPem } = await runCertPlan(plan);
  const material = { certPem: pem, keyPem, caPem: ca.pem };
  if (o.out !== undefined) return writeBundle(ctx, o.out, parsed.host, material);
  // Installed here: the node named must be this cfg's node.
  const target = nodeArg === undefined || node === s.node ? s : { ...s, node, nodeName: parsed };
  installNodeTls(ctx, target, material, { noCfg: o.noCfg || target !== s, dryRun: false });
}

/** HOST.pem, HOST.key (0400, the caller's) and ca.pem in `dir`, to carry to the node. */
function writeBundle(
  ctx: Pick<Ctx, 'uid' | 'stdout'>,
  dir: string,
  host: string,
  m: { certPem: string; keyPem: string; caPem: string },
): void {
  ensureSafeDir(dir, ctx.uid, 0o755);
  const own = { uid: ctx.uid, gid: 0 };
  const staged: StagedFile[] = [];
  try {
    staged.push(stageFile(join(dir, `${host}.key`), m.keyPem, { ...own, mode: 0o400 }, undefined));
    staged.push(stageFile(join(dir, `${host}.pem`), m.certPem, { ...own, mode: 0o644 }, undefined));
    staged.push(stageFile(join(dir, 'ca.pem'), m.caPem, { ...own, mode: 0o644 }, undefined));
  } catch (err) {
    staged.forEach(discard);
    throw err;
  }
  staged.forEach(commit);
  ctx.stdout.write(
    `Wrote ${join(dir, `${host}.pem`)}, ${join(dir, `${host}.key`)} (0400) and ${join(dir, 'ca.pem')}.\n` +
      `On the node: ejctl tls import-node --cert ${host}.pem --key ${host}.key --ca ca.pem; then remove the key from here.\n`,
  );
}
