/**
 * ejctl's nftables table as nft input, and the persistence around it, as text. Pure.
 * Applying replaces the table as a whole in one nft transaction (`table inet ejctl {}` creates it
 * when missing, so the `delete` that follows never fails), so applying twice is applying once,
 * and no other table is touched. Debian's nftables.service loads /etc/nftables.conf at boot;
 * ejctl's table is kept in a file of its own that the conf includes.
 */
import { NFT_TABLE } from '../setup/firewall.js';

export const NFT = '/usr/sbin/nft';
export const DEFAULT_NFT_DIR = '/etc/nftables.d';
export const DEFAULT_NFT_CONF = '/etc/nftables.conf';
export const PERSIST_BASENAME = 'ejctl.nft';

const replaceTable = `table inet ${NFT_TABLE} {}\ndelete table inet ${NFT_TABLE}\n`;

/** nft input that loads `table` (the `table inet ejctl { ... }` text) in place of any previous one. */
export const applyScript = (table: string): string => `${replaceTable}${table}`;

/** nft input that removes ejctl's table, whether it is there or not. */
export const REMOVE_SCRIPT = replaceTable;

/** The persisted file: the same transaction, loaded at boot through the conf's include. */
export const persistedText = (table: string): string =>
  `#!${NFT} -f\n# Written by ejctl setup --apply-firewall; removed by ejctl firewall remove.\n${applyScript(table)}`;

export const includeLine = (persistPath: string): string => `include "${persistPath}"`;

/** The conf with the include added at its end; undefined when it is there already. */
export function confWithInclude(confText: string, persistPath: string): string | undefined {
  const line = includeLine(persistPath);
  if (confText.split('\n').some((l) => l.trim() === line)) return undefined;
  return `${confText}${confText === '' || confText.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** The conf without ejctl's include; undefined when it holds none. */
export function confWithoutInclude(confText: string, persistPath: string): string | undefined {
  const line = includeLine(persistPath);
  const lines = confText.split('\n');
  const kept = lines.filter((l) => l.trim() !== line);
  return kept.length === lines.length ? undefined : kept.join('\n');
}
