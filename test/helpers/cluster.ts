/**
 * A real ejabberd cluster for tests: N test nodes (test/helpers/node.ts) started with the SAME
 * cookie, each with its own HOME (its cookie file: standing for its own host), spool, ports and
 * c2s listener, joined to the first with `ejctl -c <cfg> join_cluster <first>`.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { bootNode, createTestNodeFiles, stopTestNode, waitFor, type NodeOptions, type TestNode } from './node.js';

export interface TestCluster {
  nodes: TestNode[];
  cookie: string;
  stop(): Promise<void>;
}

export async function startCluster(size: number, opts: NodeOptions = {}): Promise<TestCluster> {
  const cookie = opts.cookie ?? randomBytes(32).toString('base64url').replace(/[-_]/g, 'x');
  // Boot in parallel (2 cores: ~5 s each), then join one by one: join_cluster restarts ejabberd.
  const nodes = await Promise.all(Array.from({ length: size }, () => startLoggingNode({ c2s: true, ...opts, cookie })));
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    const first = nodes[0];
    if (!first) throw new Error('empty cluster');
    for (const n of nodes.slice(1)) {
      const r = await n.ctl(['join_cluster', first.node]);
      if (r.exitCode !== 0) throw new Error(`join_cluster ${n.node} -> ${first.node} failed: ${r.stdout}${r.stderr}`);
    }
    await waitFor(async () => (await listCluster(first)).length === size, 60_000, 'the cluster did not form');
    for (const n of nodes) await waitFor(async () => (await n.ctl(['status'])).exitCode === 0, 60_000, `${n.node} not started after join`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, cookie, stop };
}

/**
 * A test node that logs at info level, so ejabberd's "Node X joined our Mnesia SM tables"
 * (ejabberd_sm_mnesia, on every mnesia_up: each (re)connection of a cluster member) reaches
 * its log. A nodedown followed by a reconnection adds such a line; a nodedown that lasts shows
 * in list_cluster.
 */
async function startLoggingNode(opts: NodeOptions): Promise<TestNode> {
  const files = await createTestNodeFiles(opts);
  writeFileSync(files.ymlPath, readFileSync(files.ymlPath, 'utf8').replace('loglevel: warning', 'loglevel: info'));
  await bootNode(files, opts);
  return { ...files, stop: () => stopTestNode(files) };
}

/** Lines of a node's ejabberd.log that say a cluster member (re)connected. */
export function memberJoinLines(n: TestNode): string[] {
  let text = '';
  try {
    text = readFileSync(`${n.logs}/ejabberd.log`, 'utf8');
  } catch {
    /* no log yet */
  }
  return text.split('\n').filter((l) => l.includes('joined our Mnesia SM tables'));
}

export async function listCluster(n: TestNode): Promise<string[]> {
  const r = await n.ctl(['list_cluster']);
  if (r.exitCode !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();
}

/**
 * A minimal raw XMPP client: opens a stream, reads the features, authenticates with SASL PLAIN,
 * binds, and can then send a ping IQ and wait for the answer. Enough to prove a c2s session
 * stays up across a rotation.
 */
export class XmppClient {
  private buffer = '';
  private closed = false;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  static async login(port: number, user: string, password: string): Promise<XmppClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new XmppClient(socket);
    await c.openStream();
    const auth = Buffer.from(`\0${user}\0${password}`).toString('base64');
    c.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${auth}</auth>`);
    await c.expect(/<success\b/);
    await c.openStream();
    c.send(`<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>rot</resource></bind></iq>`);
    await c.expect(/id=['"]bind1['"]/);
    return c;
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Sends an XEP-0199 ping to the server and waits for its result. */
  async ping(id: string): Promise<boolean> {
    this.send(`<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    try {
      await this.expect(new RegExp(`id=['"]${id}['"]`));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.socket.end('</stream:stream>');
    this.socket.destroy();
  }

  private async openStream(): Promise<void> {
    this.buffer = '';
    this.send(
      `<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`,
    );
    await this.expect(/<\/stream:features>/);
  }

  private send(xml: string): void {
    this.socket.write(xml);
  }

  private async expect(pattern: RegExp): Promise<void> {
    await waitFor(() => pattern.test(this.buffer) || this.closed, 10_000, `no ${pattern} from the server`);
    if (!pattern.test(this.buffer)) throw new Error(`stream closed waiting for ${pattern}`);
    this.buffer = '';
  }
}
