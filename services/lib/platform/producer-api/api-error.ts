// A producer API call that did not succeed: the answer that was final (a 4xx other than a rate limit), or the
// last failure once every attempt was used. Its message says what was asked, what came back and how often it
// was tried, and never carries a token; it becomes an AttachJobLog's fetch_error as it is.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** The URL asked (without query credentials: the clients send tokens in headers only). */
      url: string;
      /** The last HTTP status, or null when no answer came (network error, timeout, truncated body). */
      status: number | null;
      attempts: number;
      /** False for a final answer (404, 401, …); true when the attempts ran out. */
      exhausted: boolean;
    },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Some of an error body, as one line, for a message (an API's error JSON says why). */
export function bodySnippet(body: Buffer, max = 200): string {
  const text = body
    .subarray(0, max * 4)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
