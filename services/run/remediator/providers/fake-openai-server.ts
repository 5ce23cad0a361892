// Test double of an OpenAI-compatible endpoint: a real HTTP server on 127.0.0.1 that answers
// POST /v1/chat/completions with scripted replies, in order, and keeps every request body it received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | { kind: 'answer'; content: string; usage: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'error'; status: number; message: string; headers: Record<string, string> }
  /** Never answers (until the server closes). */
  | { kind: 'hang' };

/** A chat completion whose message is `content`, a JSON text when given an object. */
export function answer(content: string | object, usage = { prompt_tokens: 100, completion_tokens: 20 }): Reply {
  return { kind: 'answer', content: typeof content === 'string' ? content : JSON.stringify(content), usage };
}

export function httpError(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { kind: 'error', status, message, headers };
}

export const hang: Reply = { kind: 'hang' };

export interface FakeOpenAI {
  /** Base URL for the SDK (…/v1). */
  url: string;
  /** Raw bodies of the requests received, in order. */
  bodies: string[];
  /** The replies for the next requests, in order; a request with none left gets a 500. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(model = 'fake-model'): Promise<FakeOpenAI> {
  const bodies: string[] = [];
  const queue: Reply[] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    bodies.push(Buffer.concat(chunks).toString('utf8'));
    const reply = queue.shift() ?? httpError(500, 'the fake server has no scripted reply left');
    if (reply.kind === 'hang') return;
    if (reply.kind === 'error') {
      send(
        res,
        reply.status,
        { error: { message: reply.message, type: 'invalid_request_error', code: null } },
        reply.headers,
      );
      return;
    }
    send(res, 200, {
      id: `chatcmpl-${bodies.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content: reply.content, refusal: null },
        },
      ],
      usage: { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    script: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
