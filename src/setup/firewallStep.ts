/**
 * `ejctl setup --apply-firewall`: the rules setup recommends, loaded as nftables' table inet ejctl
 * and persisted (src/firewall/apply.ts). Planned with the rest, before the confirmation; run after
 * the cfg and cookie are in place.
 */
import { planFirewallApply, type FirewallPlan } from '../firewall/apply.js';
import { firewallRules, nftablesTable } from './firewall.js';
import { firewallInput } from './nextSteps.js';
import type { Detected, SetupFlags, SetupPlan } from './types.js';

export function planSetupFirewall(d: Detected, plan: SetupPlan, flags: Pick<SetupFlags, 'firewall'>): FirewallPlan | undefined {
  if (!flags.firewall) return undefined;
  const input = firewallInput(d, plan);
  return planFirewallApply(nftablesTable(input, firewallRules(input).openPorts), flags.firewall);
}
