/**
 * Installs a node's TLS distribution files (certificate, key, CA certificate, ssl_dist.conf) in
 * its tls/ directory and points ERL_OPTIONS at them. Everything is checked first (the key
 * belongs to the certificate, the CA issued it, it names the node's host, both key usages), then
 * staged as temp files with their final mode and owner from the first byte, then renamed into
 * place, the cfg last; on any failure before that the staged files are removed.
 */
import { lstatSync, realpathSync, readFileSync } from 'node:fs';
import type { Ctx } from '../context.js';
import type { Settings } from '../config/settings.js';
import { configError } from '../errors.js';
import { commit, discard, stageFile, type StagedFile } from '../setup/stagedFile.js';
import { editCtlConfig } from '../setup/cfgEdit.js';
import { ensureSafeDir } from './dirs.js';
import { certFacts, issuedBy, keyMatches, parseCert, problemsOf } from './inspect.js';
import { nodeTlsFiles, type NodeTlsFiles } from './layout.js';
import { optfileText, withTlsOptions } from './optfileText.js';

export interface NodeMaterial {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export interface InstallOptions {
  /** Leave ejabberdctl.cfg alone (the launch options are printed instead). */
  noCfg: boolean;
  dryRun: boolean;
}

type Where = Pick<Settings, 'node' | 'nodeName' | 'configDir' | 'installUser' | 'erlOptions' | 'ctlConfigPath' | 'ctlConfigRead'>;

export function installNodeTls(ctx: Pick<Ctx, 'uid' | 'stdout'>, s: Where, m: NodeMaterial, o: InstallOptions): NodeTlsFiles {
  checkMaterial(s, m);
  const f = nodeTlsFiles(s);
  const words = withTlsOptions(s.erlOptions, f.optfile);
  if (o.dryRun) {
    ctx.stdout.write(`Would install ${f.cert}, ${f.key} (0400 ${s.installUser?.name ?? 'current user'}), ${f.ca} and ${f.optfile}\n`);
    ctx.stdout.write(o.noCfg ? '' : `Would set ERL_OPTIONS=${words.join(' ')} in ${s.ctlConfigPath}\n`);
    return f;
  }
  ensureSafeDir(f.dir, ctx.uid, 0o755);
  const pub = { mode: 0o644, uid: ctx.uid, gid: 0 };
  const owner = s.installUser ?? { uid: ctx.uid, gid: 0 };
  const staged: StagedFile[] = [];
  try {
    staged.push(stageFile(f.key, m.keyPem, { mode: 0o400, uid: owner.uid, gid: owner.gid }, undefined));
    staged.push(stageFile(f.cert, m.certPem, pub, undefined));
    staged.push(stageFile(f.ca, m.caPem, pub, undefined));
    staged.push(stageFile(f.optfile, optfileText(f), pub, undefined));
    if (!o.noCfg) staged.push(stageCfg(s, words));
  } catch (err) {
    staged.forEach(discard);
    throw err;
  }
  for (const st of staged) commit(st);
  ctx.stdout.write(`Installed the TLS distribution files of ${s.node} in ${f.dir} (key: 0400 ${s.installUser?.name ?? 'current user'}).\n`);
  ctx.stdout.write(
    o.noCfg
      ? `Add to ERL_OPTIONS (or vm.args): -proto_dist inet_tls -ssl_dist_optfile ${f.optfile}\n`
      : `ERL_OPTIONS in ${s.ctlConfigPath} now says: ${words.join(' ')}\nRestart the node to use TLS distribution (every cluster member needs it).\n`,
  );
  return f;
}

/** Refuses material that would not work as this node's distribution certificate. */
export function checkMaterial(s: Pick<Settings, 'node' | 'nodeName'>, m: NodeMaterial): void {
  let cert, ca;
  try {
    cert = parseCert(m.certPem);
    ca = parseCert(m.caPem);
  } catch (err) {
    throw configError(`cannot read the certificates: ${(err as Error).message}; nothing was installed`);
  }
  const problems = problemsOf(certFacts(cert), s.nodeName.host, Date.now());
  if (!ca.ca) problems.push('the CA certificate is not a CA certificate');
  if (!issuedBy(cert, ca)) problems.push('the CA certificate given did not issue it');
  if (!keyMatches(cert, m.keyPem)) problems.push('the key does not belong to it');
  if (problems.length > 0) {
    throw configError(
      `the certificate cannot serve as ${s.node}'s distribution certificate: ${problems.join('; ')}. Nothing was installed.`,
      `Issue one with ejctl tls issue ${s.node}.`,
    );
  }
}

function stageCfg(s: Where, words: string[]): StagedFile {
  if (!s.ctlConfigRead) {
    throw configError(
      `${s.ctlConfigPath} does not exist; nothing was installed`,
      'Give the cfg with -c FILE, or use --no-cfg and set ERL_OPTIONS yourself.',
    );
  }
  // Debian's cfg is a symbolic link to /etc/default/ejabberd: edit the target, keep the link.
  const real = realpathSync(s.ctlConfigPath);
  const st = lstatSync(real);
  const text = readFileSync(real, 'utf8');
  const edit = editCtlConfig(text, real, [
    { name: 'ERL_OPTIONS', value: words.join(' '), why: 'TLS distribution (ejctl tls, docs/tls.md)' },
  ]);
  const state = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  return stageFile(real, edit.text, state, state);
}
