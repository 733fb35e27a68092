/**
 * The cluster CA, kept by the operator (docs/tls.md): made here (`init-ca`) or imported
 * (`import-ca`), and used to issue node certificates (`issue`). Its key is 0400 and belongs to
 * whoever runs ejctl (root); it is never copied to a node.
 */
import { lstatSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Ctx } from '../context.js';
import { configError } from '../errors.js';
import { commit, discard, stageFile, type StagedFile } from '../setup/stagedFile.js';
import { ensureSafeDir } from './dirs.js';
import { keyMatches, parseCert } from './inspect.js';
import { caFiles, CA_DAYS, type CaFiles } from './layout.js';
import { buildCertPlan, runCertPlan } from './openssl.js';
import { readBounded } from './readBounded.js';

export const MAX_PEM_BYTES = 1024 * 1024;

export interface CaOptions {
  caDir?: string;
  name?: string;
  days?: number;
  dryRun: boolean;
}

export async function initCa(ctx: Pick<Ctx, 'uid' | 'env' | 'stdout'>, o: CaOptions): Promise<CaFiles> {
  const f = caFiles(ctx.env, o.caDir);
  assertNoCa(f);
  const days = o.days ?? CA_DAYS;
  const plan = buildCertPlan({ kind: 'ca', commonName: o.name ?? 'ejabberd cluster CA', hosts: [], days });
  if (o.dryRun) {
    ctx.stdout.write(`Would create ${f.key} (0400) and ${f.cert} (${days} days) with: ${[plan.file, ...plan.args].join(' ')}\n`);
    return f;
  }
  const { pem, keyPem } = await runCertPlan(plan);
  storeCa(ctx.uid, f, pem, keyPem);
  ctx.stdout.write(`Created the cluster CA: ${f.cert} (valid ${days} days) and its key ${f.key} (0400; keep it here, never on a node).\n`);
  return f;
}

export function importCa(ctx: Pick<Ctx, 'uid' | 'env' | 'stdout'>, o: CaOptions & { cert: string; key?: string }): CaFiles {
  const f = caFiles(ctx.env, o.caDir);
  assertNoCa(f);
  const certPem = readPemFile(o.cert).toString('utf8');
  const keyPem = o.key === undefined ? undefined : readPemFile(o.key).toString('utf8');
  const cert = parseOrRefuse(certPem, o.cert);
  if (!cert.ca) throw configError(`${o.cert} is not a CA certificate (basicConstraints CA:TRUE); nothing was imported`);
  if (keyPem !== undefined && !keyMatches(cert, keyPem))
    throw configError(`the key in ${o.key} does not belong to ${o.cert}; nothing was imported`);
  if (o.dryRun) {
    ctx.stdout.write(`Would import ${o.cert}${o.key ? ` and its key` : ''} into ${f.dir}\n`);
    return f;
  }
  storeCa(ctx.uid, f, certPem, keyPem);
  ctx.stdout.write(`Imported the cluster CA into ${f.dir}${keyPem ? '' : ' (certificate only: ejctl tls issue needs the key)'}.\n`);
  return f;
}

/** The CA certificate and the path of its key, to sign with. */
export function loadCa(env: NodeJS.ProcessEnv, caDir: string | undefined): { files: CaFiles; pem: string; cert: X509Certificate } {
  const files = caFiles(env, caDir);
  const pem = readPemFile(files.cert).toString('utf8');
  try {
    lstatSync(files.key);
  } catch {
    throw configError(`no CA key at ${files.key}`, 'Run ejctl tls init-ca (or import-ca with --key), or give --ca-dir DIR.');
  }
  return { files, pem, cert: parseOrRefuse(pem, files.cert) };
}

export function readPemFile(path: string): Buffer {
  return readBounded(path, MAX_PEM_BYTES, 'the file', 'Give the path of a PEM file.');
}

function parseOrRefuse(pem: string, path: string): X509Certificate {
  try {
    return parseCert(pem);
  } catch (err) {
    throw configError(`${path} holds no certificate ejctl can read (${(err as Error).message})`);
  }
}

function assertNoCa(f: CaFiles): void {
  for (const p of [f.key, f.cert]) {
    try {
      lstatSync(p);
    } catch {
      continue;
    }
    throw configError(`${p} exists; the CA there was left as it is`, 'Use that CA, or choose another place with --ca-dir DIR.');
  }
}

function storeCa(uid: number, f: CaFiles, certPem: string, keyPem: string | undefined): void {
  ensureSafeDir(f.dir, uid, 0o700);
  const staged: StagedFile[] = [];
  try {
    if (keyPem !== undefined) staged.push(stageFile(f.key, keyPem, { mode: 0o400, uid, gid: 0 }, undefined));
    staged.push(stageFile(f.cert, certPem, { mode: 0o644, uid, gid: 0 }, undefined));
  } catch (err) {
    staged.forEach(discard);
    throw err;
  }
  staged.forEach(commit);
}
