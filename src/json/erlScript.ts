/**
 * The Erlang code of the control node behind `--json --transport erl`. Like CONTROL_SCRIPT it
 * holds no secret: its first stdin line is the cookie and the node, hex-encoded. It then answers
 * request lines, each `{Mod, Fun, Args, Timeout}` as base64 of term_to_binary, with one line
 * holding rpc:call(Node, Mod, Fun, Args, Timeout) the same way, so ejctl formats the very terms
 * the native transport gets (src/json/remoteErl.ts). What the called code prints goes to the
 * control node's stderr (its group leader is standard_error), never into the answers on stdout.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export const JSON_SCRIPT = [
  'User = group_leader(),',
  "Line = case io:get_line(User, '') of L when is_list(L) -> L; _ -> halt(70) end,",
  'Unhex = fun([$x | H]) -> binary:decode_hex(list_to_binary(H)) end,',
  'Enc = file:native_name_encoding(),',
  'Str = fun(B) -> case unicode:characters_to_list(B, Enc) of S when is_list(S) -> S; _ -> binary_to_list(B) end end,',
  '[C, N] = string:lexemes(Line, " \\n"),',
  'Node = list_to_atom(Str(Unhex(N))),',
  'true = erlang:set_cookie(Node, binary_to_atom(Unhex(C), latin1)),',
  'logger:set_primary_config(level, none),',
  `Send = fun(T) -> B = term_to_binary(T), Out = if byte_size(B) > ${MAX_ANSWER_BYTES} -> term_to_binary({badrpc, too_large}); true -> B end,`,
  '  io:put_chars(User, [base64:encode(Out), $\\n]) end,',
  'group_leader(whereis(standard_error), self()),',
  'case net_kernel:connect_node(Node) of true -> Send(ready); _ -> Send(nodedown), halt(3) end,',
  "Loop = fun Loop() -> case io:get_line(User, '') of",
  '  R when is_list(R) -> {M, F, A, T} = binary_to_term(base64:decode(string:trim(R))), Send(rpc:call(Node, M, F, A, T)), Loop();',
  '  _ -> halt(0) end end,',
  'Loop().',
].join(' ');
