/**
 * What a control node takes from ERL_OPTIONS and vm.args: only what reaching the node needs (the
 * distribution protocol and its TLS options, kernel distribution and EPMD settings, inetrc). Every
 * other option is left out, above all those that run or load code (`-eval`, `-s`, `-pa`, ...):
 * the cfg is root's, and a control node must never run what a cfg line says. Pure data in, data out.
 *
 * Options are grouped as erl groups them: a flag takes the words after it up to the next word
 * starting with `-` or `+` (init.erl), except the flags erlexec itself reads with a fixed arity
 * (`-env` 2, `-args_file`, `-boot`, `-name`, `-sname`, ... 1) and `-extra` (the rest).
 */

/** A word of ERL_OPTIONS or vm.args; `line` for vm.args. */
export interface SourceWord {
  text: string;
  line?: number;
}

export interface DroppedOption {
  /** The flag (`-eval`, `+K`), `-kernel PARAM`, or `(plain argument)`: never a value. */
  name: string;
  line: number | undefined;
  /** It runs or loads code, starts a program, or names a module or file for the kernel to use. */
  runsCode: boolean;
}

export interface ControlOptions {
  kept: string[];
  dropped: DroppedOption[];
}

/** Flags a control node takes with their values. */
export const ALLOWED_FLAGS: ReadonlySet<string> = new Set([
  '-proto_dist', // the distribution carrier (inet_tls, inet6_tcp, inet6_tls)
  '-ssl_dist_optfile', // TLS distribution options (a file:consult term list)
  '-ssl_dist_opt', // TLS distribution options, inline
  '-erl_epmd_port', // the node's fixed distribution port (no EPMD)
  '-connect_all', // global's full mesh
]);

/** `-kernel` parameters a control node takes: those of distribution and name resolution. */
export function kernelParamAllowed(param: string): boolean {
  return (
    param.startsWith('inet_dist_') || // listen_min/max, use_interface, connect_options, listen_options
    [
      'net_ticktime',
      'net_setuptime',
      'inetrc',
      'dist_auto_connect',
      'connect_all',
      'inet_default_connect_options',
      'dist_nodelay',
    ].includes(param)
  );
}

/** ejctl sets these itself for control nodes; the same value from the cfg is left out without a word. */
const OWN_SETTINGS: Readonly<Record<string, string | undefined>> = {
  '-start_epmd': 'false',
  '-dist_listen': 'false',
  '-hidden': undefined,
};

/** Flags that run or load code or programs, or point the VM at files that do. */
const CODE_FLAGS: ReadonlySet<string> = new Set([
  '-eval',
  '-s',
  '-run',
  '-pa',
  '-pz',
  '-path',
  '-boot',
  '-boot_var',
  '-args_file',
  '-config',
  '-env',
  '-epmd_module',
  '-heart',
  '-remsh',
]);
const CODE_KERNEL_PARAMS: ReadonlySet<string> = new Set(['logger', 'error_logger', 'epmd_module', 'shell_history_path']);

/** erlexec reads these with a fixed number of values, whatever the values look like. */
const FIXED_ARITY: Readonly<Record<string, number>> = {
  '-env': 2,
  '-args_file': 1,
  '-boot': 1,
  '-name': 1,
  '-sname': 1,
  '-emu_type': 1,
  '-emu_flavor': 1,
};

const isFlag = (w: string): boolean => w.startsWith('-') || w.startsWith('+');

function valueCount(words: readonly SourceWord[], i: number): number {
  const rest = words.length - i - 1;
  const flag = words[i]?.text ?? '';
  if (flag === '-extra') return rest;
  const fixed = FIXED_ARITY[flag];
  if (fixed !== undefined) return Math.min(fixed, rest);
  let n = 0;
  while (n < rest && !isFlag(words[i + 1 + n]?.text ?? '-')) n++;
  return n;
}

/** The words grouped into options: a flag with its values, or a run of plain arguments. */
export function groupOptions(words: readonly SourceWord[]): SourceWord[][] {
  const groups: SourceWord[][] = [];
  for (let i = 0; i < words.length;) {
    const n = valueCount(words, i);
    groups.push(words.slice(i, i + 1 + n));
    i += 1 + n;
  }
  return groups;
}

function dropKernel(group: readonly SourceWord[], out: ControlOptions): void {
  const [head, ...values] = group;
  const pairs: string[] = [];
  for (let i = 0; i < values.length; i += 2) {
    const param = values[i] as SourceWord;
    const value = values[i + 1];
    if (value !== undefined && kernelParamAllowed(param.text)) pairs.push(param.text, value.text);
    else out.dropped.push({ name: `-kernel ${param.text}`, line: param.line ?? head?.line, runsCode: CODE_KERNEL_PARAMS.has(param.text) });
  }
  if (pairs.length > 0) out.kept.push('-kernel', ...pairs);
}

/**
 * Environment a control node already gets from ejctl (controlLaunch.ts): Debian 13's stock cfg
 * sets `ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"`, which must not cost a warning per command.
 */
const OWN_ENV: Readonly<Record<string, string>> = { ERL_CRASH_DUMP_BYTES: '0' };

function isOwnSetting(group: readonly SourceWord[]): boolean {
  const [head, ...values] = group;
  if (head?.text === '-env') return values.length === 2 && OWN_ENV[values[0]?.text ?? ''] === values[1]?.text;
  if (!head || !(head.text in OWN_SETTINGS)) return false;
  const value = OWN_SETTINGS[head.text];
  return value === undefined ? values.length === 0 : values.length === 1 && values[0]?.text === value;
}

/** Splits ERL_OPTIONS or vm.args words into what a control node takes and what it leaves out. */
export function filterControlOptions(words: readonly SourceWord[]): ControlOptions {
  const out: ControlOptions = { kept: [], dropped: [] };
  for (const group of groupOptions(words)) {
    const head = group[0] as SourceWord;
    if (head.text === '-kernel') dropKernel(group, out);
    else if (ALLOWED_FLAGS.has(head.text)) out.kept.push(...group.map((w) => w.text));
    else if (!isOwnSetting(group)) {
      const name = isFlag(head.text) ? head.text : '(plain argument)';
      out.dropped.push({ name, line: head.line, runsCode: CODE_FLAGS.has(head.text) });
    }
  }
  return out;
}
