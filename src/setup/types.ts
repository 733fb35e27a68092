/**
 * The data `ejctl setup` passes from step to step: detect -> ask -> plan -> confirm -> apply ->
 * next steps. Every step but apply is pure or read-only; only apply writes.
 */
import type { Settings } from '../config/settings.js';
import type { CookieProblem } from '../cookie/inspect.js';
import type { Finding } from '../audit/types.js';
import type { Listener } from './listeners.js';
import type { SystemEpmdFacts } from './systemEpmd.js';
import type { TlsFlags } from './tlsStep.js';

export type Topology = 'single' | 'cluster';
/** keep: leave the cookie as it is (rewritten 0400 when its file is loose); new: a fresh one; import: a cluster's. */
export type CookieChoice = 'keep' | 'new' | 'import';

/** What the command line said; anything missing is asked, or taken from the secure defaults with --yes. */
export interface SetupFlags {
  node?: string;
  topology?: Topology;
  interface?: string;
  firewallWindow?: string;
  peers?: string[];
  cookie?: CookieChoice;
  /** Import the cookie from this file instead of stdin. */
  cookieFile?: string;
  fixPermissions?: boolean;
  /** Write a drop-in restricting systemd's epmd.socket to this choice's addresses. */
  restrictSystemEpmd?: boolean;
  /** systemd's unit links and drop-ins (--systemd-dir). */
  systemdDir: string;
  /** Load the recommended rules as nftables' table inet ejctl and persist them (--apply-firewall). */
  firewall?: { dir: string; conf: string };
  /** Where the firewall goes when the wizard's answer loads it (--nftables-dir, --nftables-conf). */
  nftables?: { dir: string; conf: string };
  /** TLS distribution for a cluster member (--tls-cert/--tls-key/--tls-ca, --no-tls). */
  tls?: TlsFlags;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

export interface HostAddress {
  interface: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  internal: boolean;
}

export interface FileState {
  mode: number;
  uid: number;
  gid: number;
}

/** What is there before anything is asked. */
export interface Detected {
  settings: Settings;
  /** The cfg as named (may be a symlink, as Debian's /etc/ejabberd/ejabberdctl.cfg is). */
  cfgPath: string;
  /** The file that is written: the symlink's target. */
  cfgRealPath: string;
  /** Current text; '' when the file does not exist yet. */
  cfgText: string;
  cfgState: FileState | undefined;
  /** INSTALLUSER's group: the cfg's group after setup. */
  installGid: number;
  cookie: { path: string; problems: CookieProblem[]; fingerprint: string | undefined };
  addresses: HostAddress[];
  listeners: Listener[] | undefined;
  /** A node of that name is registered in EPMD. */
  nodeRunning: boolean;
  /** The spool holds a Mnesia schema, which is bound to the node name. */
  mnesiaSchema: boolean;
  /** Audit findings that a chmod can clear (other than the cfg's and the cookie's own). */
  permissionFindings: Finding[];
  /** systemd's unit links and drop-ins (--systemd-dir). */
  systemdDir: string;
  /** systemd's epmd.socket/epmd.service under --systemd-dir, and ejctl's drop-in for it. */
  systemEpmd: SystemEpmdFacts;
}

/** The secret part of the answers: never in a plan, an output or a message. */
export interface SetupSecrets {
  importedCookie?: string;
}

export interface Answers {
  node: string;
  topology: Topology;
  /** The address distribution listens on (127.0.0.1 for a single node). */
  interface: string;
  firewallWindow: string;
  peers: string[];
  cookie: CookieChoice;
  /** The permission findings the operator agreed to fix. */
  fixes: Finding[];
  /** Agreed to restrict systemd's epmd.socket (false when it was not asked). */
  restrictSystemEpmd: boolean;
}

export interface CfgValueChange {
  name: string;
  old: string | undefined;
  new: string;
  /** 'update': the live assignment is rewritten where it stands; 'append': added at the end. */
  how: 'update' | 'append';
  line?: number;
}

export type CookieAction = 'none' | 'create' | 'replace' | 'import' | 'rewrite';

export interface PermissionFix {
  path: string;
  id: string;
  title: string;
  fromMode: number | undefined;
  toMode: number;
}

/** The drop-in for systemd's epmd.socket; present when that unit serves EPMD here. */
export interface EpmdDropinPlan {
  path: string;
  /** The ListenStream values it sets, after a reset. */
  listen: string[];
  /** The text to write; undefined when the file stays as it is. */
  newText: string | undefined;
  /** The operator said no: epmd.socket stays as it is. */
  declined: boolean;
  /** Why it is written or left as it is, for people. */
  note: string;
  from: FileState | undefined;
  to: FileState;
}

export interface SetupPlan {
  answers: Omit<Answers, 'fixes'>;
  cfg: {
    path: string;
    realPath: string;
    changes: CfgValueChange[];
    /** The text to write (holds no secret); undefined when the file stays as it is. */
    newText: string | undefined;
    from: FileState | undefined;
    to: FileState;
  };
  cookie: { path: string; action: CookieAction; reason: string; owner: string; fingerprint: string | undefined };
  fixes: PermissionFix[];
  systemEpmd: EpmdDropinPlan | undefined;
  warnings: string[];
}

export const planChangesSomething = (p: SetupPlan): boolean =>
  p.cfg.newText !== undefined || p.cookie.action !== 'none' || p.fixes.length > 0 || p.systemEpmd?.newText !== undefined;
