/**
 * ejabberd's own HTTP API (mod_http_api) on a test node: the oracle of `ejctl --json`. The
 * listener is on loopback only; api_permissions let loopback call every command through it and
 * keep ejabberdctl's default rule for ejabberd_ctl (defining api_permissions replaces the
 * defaults). `/api/vN` handlers give API version N (mod_http_api takes the last `vN` of the path);
 * `/api` gives the API's default version (23.01: 0; 24.12: the latest, as ejabberdctl's default).
 */

/** The API versions with a handler of their own (24.12 defines commands up to version 3). */
export const API_VERSIONS = [0, 1, 2, 3] as const;

export function httpApiListener(port: number): string {
  // ejabberd_http takes the first handler whose path prefixes the request's: the longest first.
  const handlers = [...API_VERSIONS.map((v) => `/api/v${v}`), '/api'].map((h) => `      ${h}: mod_http_api\n`).join('');
  return `  -\n    port: ${port}\n    ip: "127.0.0.1"\n    module: ejabberd_http\n    request_handlers:\n${handlers}`;
}

/** Top-level options and the modules the compared commands need (MUC, vCard, the API itself). */
export function httpApiYml(): { yml: string; modules: string } {
  const yml = [
    'api_permissions:',
    '  "console commands":',
    '    from:',
    '      - ejabberd_ctl',
    '    who: all',
    '    what: "*"',
    '  "loopback api":',
    '    from:',
    '      - mod_http_api',
    '    who:',
    '      ip: 127.0.0.1/8',
    '    what: "*"',
    '',
  ].join('\n');
  const modules = ['  mod_http_api: {}', '  mod_muc: {}', '  mod_muc_admin: {}', '  mod_vcard: {}', ''].join('\n');
  return { yml, modules };
}

export interface ApiAnswer {
  status: number;
  /** The body as the API sent it. */
  body: string;
  /** The body parsed, or undefined when it is not JSON. */
  json: unknown;
}

/** POST /api[/vN]/COMMAND with the arguments as a JSON object, as a script would call it (no version: the API's default). */
export async function callApi(port: number, command: string, args: Record<string, unknown>, version?: number): Promise<ApiAnswer> {
  const path = version === undefined ? `/api/${command}` : `/api/v${version}/${command}`;
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: r.status, body, json };
}
