// What the GitLab and GitHub clients share: a connection (its API URL and token), the request policy and the
// connection's token bucket, and the one way they call: apiRequest with the token as the system's credential
// header — GitLab's PRIVATE-TOKEN, GitHub's Bearer — which request.ts sends to the API's origin only.
import type { Connection } from '../connections/connection.js';
import { apiRequest, type ApiResponse, type RequestPolicy } from './request.js';
import type { Keep } from './bounded-body.js';
import type { RateLimits } from './token-bucket.js';

export class ProducerClient {
  constructor(
    readonly connection: Connection,
    private readonly policy: RequestPolicy,
    private readonly limits?: RateLimits,
  ) {}

  /** `path` below the connection's API URL (or an absolute URL there: a next page), answered 2xx. */
  get(path: string, opts: { keep?: Keep; limitBytes?: number } = {}): Promise<ApiResponse> {
    const c = this.connection;
    if (c.apiToken === null)
      throw new Error(`connection "${c.name}" has no api_token (needed to read ${c.system}'s API)`);
    const url = /^https?:\/\//.test(path) ? path : `${c.apiUrl.replace(/\/+$/, '')}${path}`;
    const auth: Record<string, string> =
      c.system === 'gitlab' ? { 'private-token': c.apiToken } : { authorization: `Bearer ${c.apiToken}` };
    const headers: Record<string, string> =
      c.system === 'github'
        ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'verity' }
        : { 'user-agent': 'verity' };
    return apiRequest(
      { url, headers, auth, keep: opts.keep ?? 'head' },
      {
        ...this.policy,
        ...(opts.limitBytes === undefined ? {} : { limitBytes: opts.limitBytes }),
        ...(this.limits ? { bucket: this.limits.of(c.name) } : {}),
      },
    );
  }
}
