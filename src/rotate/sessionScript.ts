/**
 * The Erlang code of the long-lived control session. It holds no secret and no argument: it
 * reads request lines from stdin, `ID OP ARG...` with every argument hex-encoded, and answers
 * each with one line `ID JSON` on stdout. The cookies arrive once (`cookies OLD NEW`) and are
 * named `old` / `new` afterwards, so no reply ever carries a cookie: cookie-like values (a
 * node's cookie, a per-peer cookie, a file's content, shared_key) come back only as the label
 * of the known cookie they equal ("old", "new", "other").
 *
 * Facts it relies on (OTP 25, measured; see docs/rotate.md):
 *  - erlang:set_cookie/1,2 and get_cookie/1 exist since OTP 24.1; established connections
 *    survive a cookie change, and the per-peer cookie is used in both directions.
 *  - An erl_eval fun may be run on another node with erlang:apply/2: erl_eval is everywhere.
 *    Only `writer` does so, because open_port must run on the node's own host.
 *  - ejabberd 23.01 computes shared_key = str:sha(atom_to_binary(Cookie, latin1)) at boot
 *    (ejabberd_config:set_shared_key/0) and stores it with set_option(shared_key, Key).
 *  - Errors are reduced to an atom before they are printed: an rpc stack trace would hold
 *    the arguments, and the arguments hold cookies.
 */
const LINES = [
  'logger:set_primary_config(level, none),',
  'Unhex = fun([$x | H]) -> binary:decode_hex(list_to_binary(H)); ("-") -> undefined end,',
  'Esc = fun(C) when C =:= $" ; C =:= $\\\\ -> [$\\\\, C]; (C) when C < 32 ; C > 126 -> io_lib:format("\\\\u~4.16.0B", [C]); (C) -> C end,',
  'J = fun J(X) when X =:= true ; X =:= false ; X =:= null -> atom_to_list(X);',
  '        J(X) when is_atom(X) -> J(atom_to_binary(X, utf8));',
  '        J(X) when is_integer(X) -> integer_to_list(X);',
  '        J(X) when is_binary(X) -> [$", [Esc(C) || C <- binary_to_list(X)], $"];',
  '        J(X) when is_list(X) -> [$[, lists:join($,, [J(E) || E <- X]), $]];',
  '        J(X) when is_tuple(X) -> J(tuple_to_list(X));',
  '        J(X) when is_map(X) -> [${, lists:join($,, [[J(K), $:, J(V)] || {K, V} <- maps:to_list(X)]), $}] end,',
  "Why = fun({badrpc, {'EXIT', {R, _}}}) when is_atom(R) -> R; ({badrpc, {'EXIT', {{R, _}, _}}}) when is_atom(R) -> R;",
  '          ({badrpc, R}) when is_atom(R) -> R; ({error, R}) when is_atom(R) -> R; (_) -> failed end,',
  'Rpc = fun(N, M, F, A) -> rpc:call(N, M, F, A, 15000) end,',
  'Label = fun(_, undefined, _) -> null; (C, O, Nw) -> if C =:= O -> old; C =:= Nw -> new; true -> other end end,',
  'Strip = fun(B) -> string:trim(B, trailing, "\\r\\n") end,',
  'Ok = fun({badrpc, _} = E) -> #{error => Why(E)}; ({error, _} = E) -> #{error => Why(E)}; (V) -> #{ok => V} end,',
  // The cookie file a node reads: $HOME/.erlang.cookie, else the XDG one when only that exists.
  'CookiePath = fun(N) -> {ok, [[H]]} = Rpc(N, init, get_argument, [home]), P = filename:join(H, ".erlang.cookie"),',
  '  X = case Rpc(N, os, getenv, ["XDG_CONFIG_HOME"]) of D when is_list(D), D =/= "" -> D; _ -> filename:join(H, ".config") end,',
  '  XP = filename:join([X, "erlang", ".erlang.cookie"]),',
  '  case {Rpc(N, filelib, is_regular, [P]), Rpc(N, filelib, is_regular, [XP])} of {false, true} -> XP; _ -> P end end,',
  'FileInfo = fun(N, P, O, Nw) -> case Rpc(N, file, read_link_info, [P]) of',
  '  {ok, I} -> M = element(8, I) band 8#7777, T = element(3, I),',
  '    L = case Rpc(N, file, read_file, [P]) of {ok, B} -> Label(binary_to_atom(Strip(B), latin1), O, Nw); E -> Why(E) end,',
  '    #{exists => true, type => T, mode => M, uid => element(13, I), content => L};',
  '  E -> #{exists => false, error => Why(E)} end end,',
  'Info = fun(N, O, Nw) -> Vis = Rpc(N, erlang, nodes, []), true = is_list(Vis), P = CookiePath(N),',
  '  Pins = maps:from_list([{Peer, Label(Rpc(N, erlang, get_cookie, [Peer]), O, Nw)} || Peer <- Vis]),',
  '  Key = Rpc(N, ejabberd_config, get_shared_key, []),',
  '  KL = fun(undefined) -> undefined; (C) -> Rpc(N, str, sha, [atom_to_binary(C, latin1)]) end,',
  '  KO = KL(O), KN = KL(Nw), KeyLabel = if not is_binary(Key) -> null; Key =:= KO -> old; Key =:= KN -> new; true -> other end,',
  '  #{nodes => Vis, cookie => Label(Rpc(N, erlang, get_cookie, []), O, Nw), pins => Pins, cookieFile => list_to_binary(P),',
  '    file => FileInfo(N, P, O, Nw), sharedKey => KeyLabel, setcookieArg => Rpc(N, init, get_argument, [setcookie]) =/= error,',
  '    proto => case Rpc(N, init, get_argument, [proto_dist]) of {ok, [[PD | _] | _]} -> list_to_binary(PD); _ -> <<"inet_tcp">> end} end,',
  // Runs on the node: `NodeExe EjctlJs cookie import --file Path`, the cookie on its stdin only.
  'PortWriter = fun(Exe, Args, C) -> Port = open_port({spawn_executable, Exe}, [{args, Args}, {env, [{"INSTALLUSER", ""}]}, exit_status, stderr_to_stdout, binary, use_stdio, hide]),',
  '  true = port_command(Port, [atom_to_binary(C, latin1), "\\n"]),',
  '  Wait = fun W(Acc) -> receive {Port, {data, D}} -> W([Acc, D]); {Port, {exit_status, S}} -> {S, iolist_to_binary(Acc)}',
  '    after 30000 -> catch port_close(Port), {timeout, iolist_to_binary(Acc)} end end, Wait([]) end,',
  // The fallback: file:write_file cannot take a mode, so only inside a 0700 directory, then chmod.
  'ErlWriter = fun(P, C) -> {ok, DI} = file:read_file_info(filename:dirname(P)),',
  '  case element(8, DI) band 8#077 of 0 -> _ = file:delete(P),',
  '    case file:write_file(P, [atom_to_binary(C, latin1)], [exclusive, raw]) of ok -> {file:change_mode(P, 8#400), <<>>}; E -> {E, <<>>} end;',
  '  _ -> {loose_directory, <<>>} end end,',
  'Writer = fun(N, P, C, Exe, Js) -> F = fun() -> case {Exe, filelib:is_regular(Exe) andalso filelib:is_regular(Js)} of',
  '      {_, true} -> _ = file:delete(P), {ejctl, PortWriter(Exe, [Js, "-c", "/dev/null", "cookie", "import", "--allow-weak", "--file", P], C)};',
  '      _ -> {erlang, ErlWriter(P, C)} end end,',
  '  case Rpc(N, erlang, apply, [F, []]) of {W, {0, _}} -> #{ok => W}; {W, {ok, _}} -> #{ok => W};',
  '    {W, {S, Out}} -> #{error => S, writer => W, output => binary:part(Out, 0, min(400, byte_size(Out)))}; E -> #{error => Why(E)} end end,',
  // Runs on the node, so a killed orchestrator never leaves the file and the memory apart.
  'Switch = fun(N, Staged, P, C) -> F = fun() -> R = case file:rename(Staged, P) of',
  '      ok -> ok; {error, enoent} -> case file:read_file(P) of {ok, B} -> case Strip(B) =:= atom_to_binary(C, latin1) of true -> already; false -> {error, enoent} end; _ -> {error, enoent} end; E -> E end,',
  '    case R of {error, _} -> R; _ -> erlang:set_cookie(C), R end end,',
  '  Ok(Rpc(N, erlang, apply, [F, []])) end,',
  'Pair = fun(X, Y, C) -> T0 = erlang:monotonic_time(microsecond),',
  '  RX = erpc:send_request(X, erlang, set_cookie, [Y, C]), RY = erpc:send_request(Y, erlang, set_cookie, [X, C]),',
  '  A = (catch erpc:receive_response(RX, 15000)), B = (catch erpc:receive_response(RY, 15000)),',
  '  case {A, B} of {true, true} -> #{ok => erlang:monotonic_time(microsecond) - T0}; _ -> #{error => failed, x => A =:= true, y => B =:= true} end end,',
  // N connects to P (src/rotate/verify.ts rejoinMesh). Mnesia does not act on a late nodeup: a
  // member that restarted while its peers refused it waits for them; extra_db_nodes on both
  // sides makes Mnesia connect, merge and load its tables, and ejabberd finishes starting.
  'Link = fun(N, P) -> case Rpc(N, net_kernel, connect_node, [P]) of true ->',
  '    _ = Rpc(N, mnesia, change_config, [extra_db_nodes, [P]]), _ = Rpc(P, mnesia, change_config, [extra_db_nodes, [N]]), true; R -> R end end,',
  'Atom = fun(B) -> binary_to_atom(B, utf8) end,',
  'Do = fun(Op, As, {O, Nw}) -> Ck = fun(<<"old">>) -> O; (<<"new">>) -> Nw end, case {Op, As} of',
  '  {"cookies", [A1, A2]} -> {#{ok => true}, {binary_to_atom(A1, latin1), case A2 of undefined -> undefined; _ -> binary_to_atom(A2, latin1) end}};',
  '  {"use", [N, L]} -> {#{ok => erlang:set_cookie(Atom(N), Ck(L))}, {O, Nw}};',
  '  {"connect", [N]} -> {#{ok => net_kernel:connect_node(Atom(N))}, {O, Nw}};',
  '  {"disconnect", [N]} -> {#{ok => erlang:disconnect_node(Atom(N))}, {O, Nw}};',
  // N connects to its peer P unless it already is (a member restarted during the rotation is not).
  // Mnesia does not act on a late nodeup: extra_db_nodes on both sides makes it merge and load.
  '  {"link", [N, P]} -> {case lists:member(Atom(P), Rpc(Atom(N), erlang, nodes, [])) of true -> #{ok => already};',
  '     false -> Ok(Link(Atom(N), Atom(P))) end, {O, Nw}};',
  '  {"connected", []} -> {#{ok => nodes(connected)}, {O, Nw}};',
  '  {"cluster", [N]} -> {#{ok => #{running => Rpc(Atom(N), ejabberd_cluster, get_nodes, []), known => Rpc(Atom(N), ejabberd_cluster, get_known_nodes, [])}}, {O, Nw}};',
  '  {"info", [N]} -> {#{ok => Info(Atom(N), O, Nw)}, {O, Nw}};',
  '  {"fileinfo", [N, P]} -> {#{ok => FileInfo(Atom(N), binary_to_list(P), O, Nw)}, {O, Nw}};',
  '  {"pin", [N, Peer, L]} -> {Ok(Rpc(Atom(N), erlang, set_cookie, [Atom(Peer), Ck(L)])), {O, Nw}};',
  '  {"pinpair", [X, Y, L]} -> {Pair(Atom(X), Atom(Y), Ck(L)), {O, Nw}};',
  '  {"default", [N, L]} -> {Ok(Rpc(Atom(N), erlang, set_cookie, [Ck(L)])), {O, Nw}};',
  '  {"sharedkey", [N, L]} -> K = Rpc(Atom(N), str, sha, [atom_to_binary(Ck(L), latin1)]),',
  '     {case is_binary(K) of true -> Ok(Rpc(Atom(N), ejabberd_config, set_option, [shared_key, K])); _ -> Ok(K) end, {O, Nw}};',
  '  {"write", [N, P, L, Exe, Js]} -> {Writer(Atom(N), binary_to_list(P), Ck(L), binary_to_list(Exe), binary_to_list(Js)), {O, Nw}};',
  '  {"switch", [N, St, P, L]} -> {Switch(Atom(N), binary_to_list(St), binary_to_list(P), Ck(L)), {O, Nw}};',
  '  {"rename", [N, From, To]} -> {Ok(Rpc(Atom(N), file, rename, [binary_to_list(From), binary_to_list(To)])), {O, Nw}};',
  '  {"delete", [N, P]} -> {case Rpc(Atom(N), file, delete, [binary_to_list(P)]) of {error, enoent} -> #{ok => absent}; R -> Ok(R) end, {O, Nw}};',
  '  _ -> {#{error => bad_request}, {O, Nw}} end end,',
  "Loop = fun Loop(St) -> case io:get_line('') of",
  '  L when is_list(L) -> [Id, Op | As] = string:lexemes(L, " \\n"),',
  '    {Reply, St2} = try Do(Op, [Unhex(A) || A <- As], St) catch _:_ -> {#{error => failed}, St} end,',
  '    io:put_chars([Id, $\\s, J(Reply), $\\n]), Loop(St2);',
  '  _ -> halt(0) end end,',
  'io:put_chars("ready\\n"),',
  'Loop({undefined, undefined}).',
];

export const SESSION_SCRIPT = LINES.join(' ');
