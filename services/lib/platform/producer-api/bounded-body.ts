// Reading a response body within a byte limit: the first `limit` bytes (a JSON page), or the last ones (a
// job's log, whose end says why it failed) while the rest streams past. What arrived is counted apart from
// what is kept, so a body cut short (Content-Length not reached, the stream aborted) is told from one that was
// only trimmed, and a resumed download (a Range request) goes on filling the same buffer.

export type Keep = 'head' | 'tail';

export class BoundedBody {
  private chunks: Buffer[] = [];
  private kept = 0;
  /** Bytes of the body received so far (every attempt of a resumed download together). */
  received = 0;
  /** True once bytes were dropped to stay within the limit. */
  truncated = false;

  constructor(
    readonly limit: number,
    readonly keep: Keep,
  ) {}

  /** Head: true once the limit is reached (the rest need not be read). */
  get full(): boolean {
    return this.keep === 'head' && this.kept >= this.limit;
  }

  push(chunk: Uint8Array): void {
    this.received += chunk.byteLength;
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.keep === 'head') {
      const room = this.limit - this.kept;
      if (buf.length > room) {
        this.truncated = true;
        buf = buf.subarray(0, Math.max(0, room));
      }
      if (buf.length > 0) this.add(buf);
      return;
    }
    this.add(buf);
    while (this.kept > this.limit) {
      this.truncated = true;
      const first = this.chunks[0]!;
      const over = this.kept - this.limit;
      if (first.length <= over) {
        this.chunks.shift();
        this.kept -= first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.kept -= over;
      }
    }
  }

  /** Forgets everything (a retry that starts the download over). */
  reset(): void {
    this.chunks = [];
    this.kept = 0;
    this.received = 0;
    this.truncated = false;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }

  private add(buf: Buffer): void {
    // Copy: the stream may reuse its chunk's memory.
    this.chunks.push(Buffer.from(buf));
    this.kept += buf.length;
  }
}

/**
 * Streams `body` into `into`. Null when it ended normally (or head mode had enough and stopped reading), else
 * why it broke off (the connection closed, the per-request timeout fired).
 */
export async function readInto(body: ReadableStream<Uint8Array> | null, into: BoundedBody): Promise<string | null> {
  if (body === null) return null;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      into.push(value);
      if (into.full) {
        // Enough: one more read only tells whether anything was left out.
        const more = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (!more.done) into.truncated = true;
        await reader.cancel().catch(() => undefined);
        return null;
      }
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    const e = err as Error & { cause?: Error };
    return e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message || String(err);
  } finally {
    reader.releaseLock();
  }
}
