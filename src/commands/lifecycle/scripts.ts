/**
 * Erlang code for the control nodes of `ping` and `started`. Like the forwarding control node
 * (src/erl/controlScript.ts), each reads one stdin line written by encodeRequest(): the cookie,
 * the node and a number of milliseconds, hex-encoded, so none is on a command line.
 */
const READ_REQUEST = [
  "Line = case io:get_line('') of L when is_list(L) -> L; _ -> halt(70) end,",
  'Unhex = fun([$x | H]) -> binary:decode_hex(list_to_binary(H)) end,',
  '[C, N, T | _] = string:lexemes(Line, " \\n"),',
  'Node = binary_to_atom(Unhex(N), utf8),',
  'Cookie = binary_to_atom(Unhex(C), latin1),',
  'true = erlang:set_cookie(Node, Cookie),',
  'logger:set_primary_config(level, none),',
];

/** ejabberdctl's ping: `pong` or `pang` on stdout; ejctl exits 1 on pang (upstream does since 25.10). */
export const PING_SCRIPT = [
  ...READ_REQUEST,
  // A dynamic node name gets no auto-connect until a first explicit connection names it.
  'Answer = case net_kernel:connect_node(Node) of true -> net_adm:ping(Node); _ -> pang end,',
  'io:format("~p~n", [Answer]),',
  'halt(case Answer of pong -> 0; _ -> 1 end).',
].join(' ');

/**
 * `started`: one VM asks the node once a second, over the same connection once it is up, what
 * ejabberdctl's `status` answers (ejabberd_ctl:process(["status"]) returning 0). The status text
 * goes to a group leader that swallows it. Exit 0 when started, 1 at the deadline (T ms).
 */
export const STARTED_SCRIPT = [
  ...READ_REQUEST,
  'Deadline = erlang:monotonic_time(millisecond) + list_to_integer(T),',
  'Sink = spawn(fun Sink() -> receive {io_request, From, Ref, _} -> From ! {io_reply, Ref, ok}, Sink(); _ -> Sink() end end),',
  'group_leader(Sink, self()),',
  // A dynamic name is dropped with the last connection (a restarting node), and the cookie
  // pinned to Node with it (measured on OTP 25): pin it again before each attempt.
  'Up = fun() -> erlang:set_cookie(Node, Cookie), net_kernel:connect_node(Node) andalso rpc:call(Node, ejabberd_ctl, process, [["status"]], 10000) =:= 0 end,',
  'Wait = fun Wait() -> case Up() of',
  '  true -> halt(0);',
  '  false -> case erlang:monotonic_time(millisecond) >= Deadline of true -> halt(1); false -> timer:sleep(1000), Wait() end',
  'end end,',
  'Wait().',
].join(' ');
