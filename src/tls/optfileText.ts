/**
 * The ssl_dist option file ejctl writes: both sides verify the peer against the cluster CA
 * (verify_peer), the server refuses a peer without a certificate (fail_if_no_peer_cert), TLS 1.3
 * only (OTP 25 refuses secure_renegotiate then: it is a TLS 1.2 option). OTP's client side also checks that the server's certificate names the host part of the
 * node name (FACTS: an address needs a DNS SAN too, which ejctl's certificates carry).
 */
import type { NodeTlsFiles } from './layout.js';

/** An Erlang string literal. */
function erlString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function optfileText(f: NodeTlsFiles, versions: readonly string[] = ['tlsv1.3']): string {
  const common = [
    `{certfile, ${erlString(f.cert)}}`,
    `{keyfile, ${erlString(f.key)}}`,
    `{cacertfile, ${erlString(f.ca)}}`,
    '{verify, verify_peer}',
    `{versions, [${versions.map((v) => `'${v}'`).join(', ')}]}`,
  ];
  const side = (name: string, extra: string[]) => `  {${name}, [\n    ${[...common, ...extra].join(',\n    ')}\n  ]}`;
  return [
    '%% TLS distribution options, written by ejctl tls (docs/tls.md). Read by the node at boot',
    '%% (-proto_dist inet_tls -ssl_dist_optfile THIS_FILE) and by ejctl itself.',
    '[',
    `${side('server', ['{fail_if_no_peer_cert, true}'])},`,
    side('client', []),
    '].',
    '',
  ].join('\n');
}

/** ERL_OPTIONS with TLS distribution through `optfile`: any earlier -proto_dist / -ssl_dist_optfile replaced. */
export function withTlsOptions(erlOptions: readonly string[], optfile: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < erlOptions.length; i++) {
    const w = erlOptions[i] ?? '';
    if (w === '-proto_dist' || w === '-ssl_dist_optfile') i++;
    else out.push(w);
  }
  return [...out, '-proto_dist', 'inet_tls', '-ssl_dist_optfile', optfile];
}
