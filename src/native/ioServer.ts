/**
 * The group leader side of the io protocol (stdlib/doc: "The Erlang I/O Protocol"), for the
 * process that runs the command on the node. Output requests become bytes for the sink;
 * `{put_chars, Enc, Mod, Func, Args}` is evaluated by the node itself through `evaluate` (a
 * nested rpc call), except the simple formats chardata.ts can do exactly. Input is refused.
 */
import { deviceBytes, formatLocally, NotChardata, type Encoding } from './chardata.js';
import { atom, isAtom, isTagged, Tuple, type Term } from './term.js';

export type Evaluate = (mod: string, fun: string, args: Term) => Promise<{ ok: true; value: Term } | { ok: false }>;

const OK = atom('ok');
export const errorReply = (what: string): Term => new Tuple(atom('error'), atom(what));

export type Write = (bytes: Buffer) => void;

/** The terminal ejctl's stdout is, if it is one: its size now. */
export type Geometry = () => { columns: number; rows: number } | undefined;

export class IoServer {
  /**
   * `geometry` answers `{get_geometry, columns | rows}` as OTP's `user` does for a control node
   * whose stdout is a terminal (the bare number), so ejabberd formats for it (`help`: bold words,
   * lines wrapped to its width); with no terminal, `{error, enotsup}`. `device` is the encoding
   * of the control node's standard output this io server plays (deviceEncoding.ts).
   */
  constructor(
    private readonly evaluate: Evaluate,
    private readonly geometry: Geometry = () => undefined,
    private readonly device: () => Encoding = () => 'latin1',
  ) {}

  /** The reply for one request; its output goes to `write` before the reply is returned. */
  async handle(request: Term, write: Write): Promise<Term> {
    if (isTagged(request, 'put_chars', 3)) return this.putChars(encodingOf(request.items[1]), request.items[2], write);
    if (isTagged(request, 'put_chars', 2)) return this.putChars('latin1', request.items[1], write);
    if (isTagged(request, 'put_chars', 5)) return this.apply(encodingOf(request.items[1]), request.items.slice(2), write);
    if (isTagged(request, 'put_chars', 4)) return this.apply('latin1', request.items.slice(1), write);
    if (isTagged(request, 'requests', 2) && Array.isArray(request.items[1])) return this.requests(request.items[1], write);
    if (isAtom(request, 'getopts')) return [new Tuple(atom('binary'), atom('false')), new Tuple(atom('encoding'), atom(this.device()))];
    if (isTagged(request, 'get_geometry', 2)) return this.getGeometry(request.items[1]);
    return errorReply('request');
  }

  private getGeometry(what: Term | undefined): Term {
    const g = this.geometry();
    if (g && isAtom(what, 'columns') && g.columns > 0) return g.columns;
    if (g && isAtom(what, 'rows') && g.rows > 0) return g.rows;
    return errorReply('enotsup');
  }

  private putChars(enc: Encoding | undefined, data: Term | undefined, write: Write): Term {
    if (!enc || data === undefined) return errorReply('put_chars');
    try {
      write(deviceBytes(data, enc, this.device()));
      return OK;
    } catch (err) {
      if (err instanceof NotChardata) return errorReply('put_chars');
      throw err;
    }
  }

  private async apply(enc: Encoding | undefined, mfa: Term[], write: Write): Promise<Term> {
    const [mod, fun, args] = mfa;
    if (!enc || !isAtom(mod) || !isAtom(fun) || !Array.isArray(args)) return errorReply('put_chars');
    const local = mod.name === 'io_lib' && fun.name === 'format' ? formatLocally(args[0], args[1]) : undefined;
    if (local !== undefined) return this.putChars(enc, local, write);
    const result = await this.evaluate(mod.name, fun.name, args);
    return result.ok ? this.putChars(enc, result.value, write) : errorReply('put_chars');
  }

  private async requests(list: Term[], write: Write): Promise<Term> {
    let reply: Term = OK;
    for (const r of list) {
      reply = await this.handle(r, write);
      if (isTagged(reply, 'error')) break;
    }
    return reply;
  }
}

function encodingOf(t: Term | undefined): Encoding | undefined {
  if (isAtom(t, 'unicode') || isAtom(t, 'utf8')) return 'unicode';
  if (isAtom(t, 'latin1')) return 'latin1';
  return undefined;
}
