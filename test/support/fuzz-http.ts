// A raw HTTP/1.1 client for the fuzz suite: fetch and node:http refuse to send what a fuzzer must send
// (U+0000 and other control characters in header values, malformed percent-encoding, a body whose
// length or type lies), so requests are written to a socket byte for byte and the answer is parsed by hand.
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, already percent-encoded (or deliberately not). */
  target: string;
  headers: [string, string][];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Sends one request on its own connection (Connection: close) and resolves with the answer. An event
 * stream (a 200 text/event-stream) resolves as soon as its headers arrived, and the connection is closed.
 */
export function sendRaw(port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err: Error | null, res?: RawResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    const parse = (complete: boolean): RawResponse | undefined => {
      const data = Buffer.concat(chunks);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? NaN);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const rest = data.subarray(end + 4);
      if ((headers['content-type'] ?? '').startsWith('text/event-stream'))
        return { status, headers, body: Buffer.alloc(0) };
      const length = headers['content-length'];
      if (length !== undefined && rest.length >= Number(length))
        return { status, headers, body: rest.subarray(0, Number(length)) };
      if (!complete) return undefined;
      return { status, headers, body: (headers['transfer-encoding'] ?? '').includes('chunked') ? dechunk(rest) : rest };
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const res = parse(false);
      if (res) finish(null, res);
    });
    socket.on('end', () => {
      const res = parse(true);
      if (res) finish(null, res);
      else finish(new Error(`connection closed without a complete answer (${Buffer.concat(chunks).length} bytes)`));
    });
    socket.on('error', (err) => {
      // The server may answer and close before reading the whole body (413): keep what was answered.
      const res = parse(true);
      if (res) finish(null, res);
      else finish(err);
    });
    const headers = [...req.headers];
    const names = new Set(headers.map(([n]) => n.toLowerCase()));
    if (req.body !== undefined && !names.has('content-length') && !names.has('transfer-encoding'))
      headers.push(['Content-Length', String(req.body.length)]);
    const head = [
      `${req.method} ${req.target} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: close',
      ...headers.map(([n, v]) => `${n}: ${v}`),
      '',
      '',
    ].join('\r\n');
    socket.write(Buffer.from(head, 'utf8'));
    if (req.body !== undefined) socket.write(req.body);
  });
}
