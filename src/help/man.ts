/**
 * ejctl(8), the man page, in roff, from the same data as `ejctl --help` (spec.ts), so the two
 * cannot drift. Written to dist/man/ejctl.8 by `npm run build` (scripts/build.mjs).
 */
import { DESCRIPTION, EJABBERDCTL_OPTIONS, EJCTL_VERSION, EXIT_CODES, OWN_COMMANDS, OWN_OPTIONS, SUMMARY, type HelpEntry } from './spec.js';

/** Text as roff shows it literally: backslashes, dashes, and a leading dot or quote escaped. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/, '\\&$1');
}

const tagged = (entries: HelpEntry[]): string[] => entries.flatMap((e) => ['.TP', `.B ${roff(e.usage)}`, roff(e.summary)]);

const ENVIRONMENT: HelpEntry[] = [
  { usage: 'EJABBERDCTL_CONFIG_PATH', summary: 'the ejabberdctl.cfg to read, when -c is not given' },
  { usage: 'EJCTL_TRANSPORT', summary: 'erl, native or auto, when --transport is not given' },
  { usage: 'NO_COLOR', summary: 'when set, no colour, even on a terminal' },
  {
    usage: 'CONFIG_DIR, LOGS_DIR, SPOOL_DIR, ERL_OPTIONS, ...',
    summary: 'the variables ejabberdctl takes from the environment override the cfg (see README.md)',
  },
];

const FILES: HelpEntry[] = [
  { usage: '/etc/ejabberd/ejabberdctl.cfg', summary: 'read, never executed' },
  { usage: '/var/lib/ejabberd/.erlang.cookie', summary: "the Erlang cookie (COOKIE_FILE; INSTALLUSER's home)" },
];

export function renderManPage(date: string): string {
  return [
    `.TH EJCTL 8 "${date}" "ejctl ${EJCTL_VERSION}" "System Administration"`,
    '.SH NAME',
    `ejctl \\- ${roff(SUMMARY)}`,
    '.SH SYNOPSIS',
    '.B ejctl',
    '[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]',
    '.SH DESCRIPTION',
    roff(DESCRIPTION.join(' ')),
    '.SH COMMANDS',
    "ejctl's own commands; 'ejctl COMMAND \\-\\-help' describes each.",
    ...tagged(OWN_COMMANDS),
    '.SH OPTIONS',
    'Before the command, as with ejabberdctl:',
    ...tagged(EJABBERDCTL_OPTIONS),
    ".SS ejctl's own options",
    ...tagged(OWN_OPTIONS),
    '.SH EXIT STATUS',
    ...tagged(EXIT_CODES.map((c) => ({ usage: c.code, summary: c.meaning }))),
    '.SH ENVIRONMENT',
    ...tagged(ENVIRONMENT),
    '.SH FILES',
    ...tagged(FILES),
    '.SH SEE ALSO',
    '.BR ejabberdctl (8),',
    '.BR erl (1).',
    'README.md and docs/ in the ejctl package.',
    '',
  ].join('\n');
}
