// A local HTTP server that replays recorded API responses (GitLab's, GitHub's, their log storage) for the
// producer-API clients' tests: no network. A table maps `METHOD /path?query` (or `METHOD /path`, any query)
// to a sequence of replies, one per request, the last one repeated; every request is recorded. It listens
// on two ports: `url` and `otherUrl` are two origins, so a redirect can lead to "another host" (as GitHub's
// logs endpoint answers 302 to its storage) and a test can see which headers went there.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** Send the headers (with the whole body's Content-Length) and this many body bytes, then destroy the socket. */
  cutAfter?: number;
  /** Honour `Range: bytes=N-` with 206 and Content-Range (Accept-Ranges: bytes is sent either way). */
  ranges?: boolean;
  /** A 3xx to this path (with its query) on this server; `other`: on the other origin. */
  redirect?: { path: string; other?: boolean };
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface Recorded {
  method: string;
  /** Path with query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Which origin it came in on. */
  origin: 'main' | 'other';
}

export type ReplyTable = Record<string, Reply[]>;

export class ReplayServer {
  readonly requests: Recorded[] = [];
  private readonly served = new Map<string, number>();

  private constructor(
    private readonly table: ReplyTable,
    private readonly servers: [Server, Server],
    readonly url: string,
    readonly otherUrl: string,
  ) {}

  static async start(table: ReplyTable = {}): Promise<ReplayServer> {
    const servers: [Server, Server] = [createServer(), createServer()];
    const ports: number[] = [];
    for (const s of servers) {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      ports.push((s.address() as AddressInfo).port);
    }
    const replay = new ReplayServer(table, servers, `http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`);
    servers[0].on(
      'request',
      (req, res) => void replay.answer(req.method ?? 'GET', req.url ?? '/', req.headers, res, 'main'),
    );
    servers[1].on(
      'request',
      (req, res) => void replay.answer(req.method ?? 'GET', req.url ?? '/', req.headers, res, 'other'),
    );
    return replay;
  }

  /** Adds or replaces the replies of a key (`GET /path?query`). */
  set(key: string, replies: Reply[]): void {
    this.table[key] = replies;
    this.served.delete(key);
  }

  /** The requests whose path (without query) is `path`. */
  to(path: string): Recorded[] {
    return this.requests.filter((r) => r.path.split('?')[0] === path);
  }

  async close(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  private async answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
    origin: 'main' | 'other',
  ): Promise<void> {
    this.requests.push({ method, path, headers, origin });
    const exact = `${method} ${path}`;
    const key = exact in this.table ? exact : `${method} ${path.split('?')[0]}`;
    const replies = this.table[key];
    if (!replies || replies.length === 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no reply recorded for ${exact}`);
      return;
    }
    const n = this.served.get(key) ?? 0;
    this.served.set(key, n + 1);
    const reply = replies[Math.min(n, replies.length - 1)]!;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    this.send(reply, headers, res);
  }

  private send(reply: Reply, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const out: Record<string, string> = { ...reply.headers };
    if (reply.redirect) {
      const base = reply.redirect.other ? this.otherUrl : this.url;
      out.location = base + reply.redirect.path;
    }
    let body = toBuffer(reply.body);
    let status = reply.status;
    if (reply.ranges) {
      out['accept-ranges'] = 'bytes';
      const range = /^bytes=(\d+)-$/.exec(String(headers.range ?? ''));
      if (range && status === 200) {
        const from = Number(range[1]);
        out['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
        body = body.subarray(from);
        status = 206;
      }
    }
    out['content-length'] = String(body.length);
    res.writeHead(status, out);
    if (reply.cutAfter === undefined) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, reply.cutAfter), () => res.socket?.destroy());
  }
}

function toBuffer(body: Reply['body']): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}
