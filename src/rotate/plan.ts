/**
 * A rotation as data: the nodes, their cookie files, and the ordered steps. Pure; the order is
 * the safety argument (docs/rotate.md):
 *   1. backup, stage    on every node: nothing running changes; a failure here only cleans up.
 *   2. pin              per pair, both sides at once: each pair moves to the new cookie together,
 *                       and every live node pins the skipped ones, so they can come back later.
 *   3. switch           per node, in one call on the node: the staged file replaces the cookie
 *                       file, then the node's default cookie becomes the new one. File and memory
 *                       never disagree, even if ejctl is killed between steps.
 *   4. shared-key       per node: ejabberd's shared_key as a node booted with the new cookie has it.
 *   5. local-file       ejctl's own COOKIE_FILE, when it is not the seed node's cookie file.
 * When that COOKIE_FILE is in the plan, the rotation starts by staging the new cookie next to it
 * (local-stage, `COOKIE_FILE.ejctl-new`, as the nodes' staged files): from then until local-file,
 * a command on this host that a switched node refuses retries with the staged cookie, so commands
 * run from the operator's host during the rotation keep working (src/cookie/staged.ts).
 */
import { stagedPath } from '../cookie/staged.js';

export interface NodeFiles {
  node: string;
  /** The file the node reads at boot ($HOME/.erlang.cookie on its host). */
  cookieFile: string;
  /** The new cookie, written next to it before the switch. */
  staged: string;
  /** The old cookie, 0400, kept until --finalize. */
  backup: string;
}

export type Step =
  | { kind: 'backup'; node: string }
  | { kind: 'stage'; node: string }
  | { kind: 'pin'; node: string; peer: string }
  | { kind: 'pin-down'; node: string; peer: string }
  | { kind: 'switch'; node: string }
  | { kind: 'shared-key'; node: string }
  | { kind: 'local-stage'; path: string }
  | { kind: 'local-file'; path: string };

export type Phase = Step['kind'];

export function stepId(step: Step): string {
  switch (step.kind) {
    case 'pin':
    case 'pin-down':
      return `${step.kind} ${step.node} ${step.peer}`;
    case 'local-stage':
    case 'local-file':
      return `${step.kind} ${step.path}`;
    default:
      return `${step.kind} ${step.node}`;
  }
}

export function nodeFiles(node: string, cookieFile: string, rotationId: string): NodeFiles {
  return { node, cookieFile, staged: stagedPath(cookieFile), backup: `${cookieFile}.bak-${rotationId}` };
}

/** A rotation id that also names the backups: the start time, to the second, in UTC. */
export function rotationIdAt(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export interface PlanInput {
  /** Live nodes, in cluster order. */
  nodes: string[];
  /** Nodes the operator chose to leave out (--skip-down). */
  skipped: string[];
  /** ejctl's own COOKIE_FILE when it is not one of the nodes' files. */
  localFile: string | undefined;
}

export function buildSteps(input: PlanInput): Step[] {
  const { nodes, skipped } = input;
  const steps: Step[] = [];
  // First, so it is in place long before any switch (a command reads it when refused).
  if (input.localFile !== undefined) steps.push({ kind: 'local-stage', path: input.localFile });
  for (const node of nodes) steps.push({ kind: 'backup', node }, { kind: 'stage', node });
  nodes.forEach((node, i) => nodes.slice(i + 1).forEach((peer) => steps.push({ kind: 'pin', node, peer })));
  for (const node of nodes) for (const peer of skipped) steps.push({ kind: 'pin-down', node, peer });
  for (const node of nodes) steps.push({ kind: 'switch', node });
  for (const node of nodes) steps.push({ kind: 'shared-key', node });
  if (input.localFile !== undefined) steps.push({ kind: 'local-file', path: input.localFile });
  return steps;
}

/** Steps before the first switch change nothing a restart would see: undo them on failure. */
export function isBeforeSwitch(step: Step): boolean {
  return step.kind === 'backup' || step.kind === 'stage' || step.kind === 'pin' || step.kind === 'pin-down' || step.kind === 'local-stage';
}

/** What --dry-run prints: the steps in words, no secret. */
export function describeStep(step: Step, files: Map<string, NodeFiles>): string {
  const f = 'node' in step ? files.get(step.node) : undefined;
  switch (step.kind) {
    case 'backup':
      return `${step.node}: copy the current cookie to ${f?.backup ?? '?'} (0400, on its host, as its user)`;
    case 'stage':
      return `${step.node}: write the new cookie to ${f?.staged ?? '?'} (0400, on its host, as its user)`;
    case 'pin':
      return `${step.node} <-> ${step.peer}: both use the new cookie for each other (erlang:set_cookie/2 on both at once)`;
    case 'pin-down':
      return `${step.node}: use the new cookie for the skipped node ${step.peer}`;
    case 'switch':
      return `${step.node}: rename ${f?.staged ?? '?'} over ${f?.cookieFile ?? '?'}, then make the new cookie its default (one call on the node)`;
    case 'shared-key':
      return `${step.node}: set ejabberd's shared_key to sha(new cookie)`;
    case 'local-stage':
      return `this host: write the new cookie to ${stagedPath(step.path)} (0400), for commands a switched node refuses`;
    case 'local-file':
      return `this host: replace ejctl's cookie file ${step.path} (old one kept as a 0400 backup), remove ${stagedPath(step.path)}`;
  }
}
