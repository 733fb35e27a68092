/**
 * The Erlang code the control node evaluates. It holds no secret and no argument: it reads one
 * line from stdin with the cookie, the node, the timeout and the arguments, each hex-encoded, so
 * none of them ever appears in a command line. Then it does what ejabberd_ctl:start/0 does in
 * ejabberd 23.01 (src/ejabberd_ctl.erl): rpc:call(Node, ejabberd_ctl, process, [Args], Timeout),
 * with this node's group leader, so whatever the command prints arrives on our stdout, and halts
 * with the integer the command returns.
 *
 * Two details measured on OTP 25: a dynamic node name (`-sname undefined`) reports nodedown from
 * rpc:call until a connection exists, so we connect explicitly first; and arguments are decoded
 * with the VM's native name encoding, as init decodes a command line, so ejabberd sees the same
 * strings ejabberdctl would have passed.
 */
export const CONTROL_SCRIPT = [
  'Line = case io:get_line(\'\') of L when is_list(L) -> L; _ -> io:format(standard_error, "ejctl: no request on stdin~n", []), halt(70) end,',
  'Unhex = fun([$x | H]) -> binary:decode_hex(list_to_binary(H)) end,',
  'Enc = file:native_name_encoding(),',
  'Str = fun(B) -> case unicode:characters_to_list(B, Enc) of S when is_list(S) -> S; _ -> binary_to_list(B) end end,',
  '[C, N, T | As] = string:lexemes(Line, " \\n"),',
  'Node = list_to_atom(Str(Unhex(N))),',
  // C: the cookie, or `COOKIE,NEXT` while a rotation runs (src/cookie/staged.ts): NEXT is tried when
  // the node refuses COOKIE. A refused handshake runs nothing, so the second try is invisible.
  'Cookies = [binary_to_atom(Unhex(X), latin1) || X <- string:lexemes(C, ",")],',
  'Connect = fun Connect([K | Ks]) -> true = erlang:set_cookie(Node, K),',
  '  case net_kernel:connect_node(Node) of true -> true; _ when Ks =/= [] -> Connect(Ks); R -> R end end,',
  'logger:set_primary_config(level, none),',
  'Timeout = case T of "infinity" -> infinity; _ -> list_to_integer(T) end,',
  'Args = [Str(Unhex(A)) || A <- As],',
  'Down = fun(R) -> io:format("Failed RPC connection to the node ~p: ~p~n", [Node, R]), 3 end,',
  'Status = case Connect(Cookies) of',
  '  true -> case rpc:call(Node, ejabberd_ctl, process, [Args], Timeout) of',
  '            {badrpc, Reason} -> Down(Reason);',
  '            {invalid_version, V} -> io:format("Invalid API version number: ~p~n", [V]), 1;',
  '            Code -> Code',
  '          end;',
  '  _ -> Down(nodedown)',
  'end,',
  'halt(Status).',
].join(' ');

/** One field of the stdin line: `x` and the UTF-8 bytes in hex, so an empty field survives. */
export const hexField = (text: string): string => `x${Buffer.from(text, 'utf8').toString('hex')}`;

/** The single stdin line CONTROL_SCRIPT reads. */
export function encodeRequest(req: {
  cookie: string;
  /** CONTROL_SCRIPT only: a cookie to try when the node refuses `cookie`. */
  nextCookie?: string | undefined;
  node: string;
  timeoutMs: number | 'infinity';
  args: readonly string[];
}): string {
  const cookies = req.nextCookie === undefined ? hexField(req.cookie) : `${hexField(req.cookie)},${hexField(req.nextCookie)}`;
  return [cookies, hexField(req.node), String(req.timeoutMs), ...req.args.map(hexField)].join(' ') + '\n';
}
