/**
 * The node's release decides how a one-value result is written (src/json/release.ts). Over a
 * connection several commands share (a batch), it is read once; a remote without one asks each
 * time, and a release that cannot be read is asked again.
 */
import { describe, expect, it } from 'vitest';
import { bareAtVersion } from '../../src/json/release.js';
import type { Remote } from '../../src/json/remote.js';
import { atom, charList, Tuple, type Term } from '../../src/native/term.js';

/** A node of this release (or none readable) that counts the calls it gets. */
function node(version: string | undefined, connection?: object): Remote & { calls: number } {
  const r = {
    calls: 0,
    connection,
    async call(): Promise<Term> {
      r.calls++;
      // What rpc gives for the exit of the erpc:execute_call the JSON script makes: {ejctl_json, Kind, Value} inside.
      if (version === undefined) return new Tuple(atom('badrpc'), atom('nodedown'));
      return new Tuple(atom('badrpc'), new Tuple(atom('EXIT'), new Tuple(atom('ejctl_json'), atom('return'), charList(version))));
    },
  };
  return r;
}

describe("the node's release", () => {
  it('24.12 writes one value bare except at version 0; 23.01 never', async () => {
    expect(await bareAtVersion(node('24.12'), 1)).toBe(true);
    expect(await bareAtVersion(node('24.12'), 1_000_000)).toBe(true);
    expect(await bareAtVersion(node('24.12'), 0)).toBe(false);
    expect(await bareAtVersion(node('23.01'), 1)).toBe(false);
  });

  it('is read once per shared connection, every time without one', async () => {
    const shared = node('24.12', {});
    for (let i = 0; i < 5; i++) expect(await bareAtVersion(shared, 1)).toBe(true);
    expect(shared.calls).toBe(1);
    const alone = node('24.12');
    for (let i = 0; i < 3; i++) await bareAtVersion(alone, 1);
    expect(alone.calls).toBe(3);
  });

  it('a release that cannot be read is not kept', async () => {
    const connection = {};
    const down = node(undefined, connection);
    expect(await bareAtVersion(down, 1)).toBe(false);
    expect(await bareAtVersion(down, 1)).toBe(false);
    expect(down.calls).toBe(2);
  });
});
