// The webhook and CDEvents routes (docs/API.md, "Webhooks and CDEvents"): a GitLab project hook, a GitHub
// webhook or a CDEvents sender reports into Verity unchanged. Each route, in this order: the delivery proves
// itself against the configured connections (401, nothing parsed: GitLab's X-Gitlab-Token and a CDEvents
// sender's Bearer token are compared by digest in constant time, GitHub's X-Hub-Signature-256 is the HMAC of
// the raw bytes), the body is parsed (400), the adapter maps it (202 ignored, 400 with the field, 403 for a
// project the connection does not cover) — and only then a write (deliver.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Connection, ConnectionSystem } from '../../../lib/platform/connections/connection.js';
import type { ConnectionsSource } from '../../../lib/platform/connections/load.js';
import { badRequest, HttpProblem } from '../../../lib/platform/http/problem.js';
import { metrics } from '../../../lib/platform/telemetry/metrics.js';
import type { IngestDeps } from '../deps.js';
import type { AdapterResult, DeliveryContext } from './adapter.js';
import { mapCdevent, parseCloudEvent } from './cdevents-mapping.js';
import { deliver } from './deliver.js';
import { mapGithubHook } from './github-mapping.js';
import { verifyGithubSignature } from './github-signature.js';
import { mapGitlabHook } from './gitlab-mapping.js';

export interface HookDeps extends IngestDeps {
  connections: ConnectionsSource;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

const unauthorized = (system: ConnectionSystem, detail: string) => {
  metrics.deliveries.inc({ system, outcome: 'unauthorized' });
  return new HttpProblem({ title: 'Unauthorized', status: 401, detail });
};

/** The connections of `system` whose secret is `given`: every one compared, by digest, in constant time. */
function bySecret(
  connections: readonly Connection[],
  system: ConnectionSystem,
  given: string | undefined,
): Connection[] {
  if (!given) return [];
  const d = digest(given);
  return connections.filter((c) => c.system === system && timingSafeEqual(digest(c.secret), d));
}

function parseJson(system: ConnectionSystem, raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    metrics.deliveries.inc({ system, outcome: 'invalid' });
    throw badRequest(`the body is not JSON: ${(err as Error).message}`, [{ pointer: '', message: 'must be JSON' }]);
  }
}

/**
 * The first connection whose project the payload belongs to, with what its adapter made of it. A payload of a
 * project none of the authenticated connections covers is a 403 (the token or secret is right, the project not).
 */
function mapFor(
  candidates: Connection[],
  map: (ctx: DeliveryContext) => AdapterResult,
): { connection: Connection; result: AdapterResult } {
  const receivedAt = new Date().toISOString();
  let refused: AdapterResult | undefined;
  for (const connection of candidates) {
    const result = map({ instance: connection.instance, externalProject: connection.externalProject, receivedAt });
    // The adapters name the field that says whose payload it is: GitLab's project, GitHub's repository, the
    // CDEvents source.
    const otherProject = result.kind === 'invalid' && /^\/(project|repository|context\/source)\b/.test(result.pointer);
    if (!otherProject) return { connection, result };
    refused = result;
  }
  metrics.deliveries.inc({ system: candidates[0]!.system, outcome: 'forbidden' });
  throw new HttpProblem({
    title: 'Forbidden',
    status: 403,
    detail: `no connection with this secret covers the payload's project${refused?.kind === 'invalid' ? `: ${refused.message}` : ''}`,
  });
}

const rawBody = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

function send(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).json(body);
}

export function hookRouter(deps: HookDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: deps.config.bodyLimitBytes });
  const connections = () => deps.connections.current();

  // GitLab: Settings → Webhooks, "Secret token" = the connection's secret; Pipeline and Job events.
  router.post(
    '/v1/hooks/gitlab',
    (req, _res, next) => {
      const candidates = bySecret(connections(), 'gitlab', req.get('X-Gitlab-Token'));
      if (candidates.length === 0)
        return next(unauthorized('gitlab', "send the connection's secret token in X-Gitlab-Token"));
      _res.locals.candidates = candidates;
      next();
    },
    raw,
    async (req, res) => {
      const body = parseJson('gitlab', rawBody(req));
      const event = req.get('X-Gitlab-Event');
      const { connection, result } = mapFor(res.locals.candidates as Connection[], (ctx) =>
        mapGitlabHook(event, body, ctx),
      );
      const deliveryId = req.get('X-Gitlab-Event-UUID') ?? req.get('Idempotency-Key');
      const answer = await deliver(deps, { connection, deliveryId, rawBody: rawBody(req), result });
      send(res, answer.status, answer.body);
    },
  );

  // GitHub: Settings → Webhooks, "Secret" = the connection's secret, content type application/json; Workflow runs and Workflow jobs.
  router.post('/v1/hooks/github', raw, async (req, res) => {
    const body = rawBody(req);
    const github = connections().filter((c) => c.system === 'github');
    const i = verifyGithubSignature(
      body,
      req.get('X-Hub-Signature-256'),
      github.map((c) => c.secret),
    );
    if (i < 0)
      throw unauthorized(
        'github',
        'X-Hub-Signature-256 is missing or is not the HMAC of the body with a configured secret',
      );
    const secret = github[i]!.secret;
    const parsed = parseJson('github', body);
    const event = req.get('X-GitHub-Event') ?? '';
    const { connection, result } = mapFor(
      github.filter((c) => c.secret === secret),
      (ctx) => mapGithubHook(event, parsed, ctx),
    );
    const answer = await deliver(deps, { connection, deliveryId: req.get('X-GitHub-Delivery'), rawBody: body, result });
    send(res, answer.status, answer.body);
  });

  // CDEvents over CloudEvents HTTP (binary or structured), from a sender holding the connection's secret as Bearer token.
  router.post(
    '/v1/events',
    (req, res, next) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('Authorization') ?? '')?.[1];
      const candidates = bySecret(connections(), 'cdevents', bearer);
      if (candidates.length === 0)
        return next(unauthorized('cdevents', "send the connection's secret: Authorization: Bearer <secret>"));
      res.locals.candidates = candidates;
      next();
    },
    raw,
    async (req, res) => {
      const body = rawBody(req);
      const parsed = parseCloudEvent(req.headers, body.toString('utf8'));
      if ('invalid' in parsed) {
        metrics.deliveries.inc({ system: 'cdevents', outcome: 'invalid' });
        throw badRequest(`not a CloudEvent: ${parsed.invalid.message}`, [parsed.invalid]);
      }
      const { connection, result } = mapFor(res.locals.candidates as Connection[], (ctx) =>
        mapCdevent(parsed.event, ctx),
      );
      const deliveryId = `${parsed.event.source}#${parsed.event.id}`;
      const answer = await deliver(deps, { connection, deliveryId, rawBody: body, result });
      send(res, answer.status, answer.body);
    },
  );
  return router;
}
