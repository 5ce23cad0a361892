// The query API's operations routes (docs/DASHBOARD.md, "Operations"): consumer lag and stalled partitions per
// group, the dead letters with their reasons and the redrive (the dashboard's replay button), the read-model
// versions and rebuild progress. Their data spans every project (a dead letter holds any project's record), so
// they need a read token for every project (`*`): a scoped token gets 403 — the one exception to "no route
// answers 403" (access.ts), since there is no project whose data could be hidden here by answering 404.
// The broker and Postgres reads are cached for CACHE_MS (operations-cache.ts): a refresh loop cannot hammer them.
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { HttpProblem, unavailable } from '../../lib/platform/http/problem.js';
import { mediaType } from '../../lib/platform/http/request-checks.js';
import { safeTextParams, strictUtf8 } from '../../lib/platform/http/request-guards.js';
import { check } from '../../lib/platform/http/validate.js';
import { redrive } from '../../lib/platform/kafka/redrive.js';
import { dlqOf, TOPICS } from '../../lib/platform/kafka/topics.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { tokenOf } from './access.js';
import type { QueryDeps } from './deps.js';
import { ReadCache } from './operations-cache.js';
import { readConsumers, readVersions } from './operations-read.js';
import { peekNewest, type DeadLetterRecord } from './operations-dlq.js';
import { committed, deadLetterSources, redriveGroup, topicOffsets, withAdmin } from './operations-kafka.js';
import { DEAD_LETTERS_DEFAULT, operationsParams, REDRIVE_BODY } from './operations-params.js';
import { deadLetterCounts, PositionBook } from './operations-lag.js';
import { projectionPoison } from './operations-readmodels.js';
import { paramParser } from './params.js';

/** How long a read is reused. Short: the page refreshes every few seconds and should see what moved. */
export const CACHE_MS = 3000;
/** Dead letters one click redrives at most (the rest on the next click: redrive.ts' group remembers). */
export const REDRIVE_MAX_RECORDS = 10_000;
const PROJECTOR_TOPICS = [TOPICS.pipelineEvents, TOPICS.remediationEvents];

export const FORBIDDEN_DETAIL = 'operations need a read token for every project (*)';

/** 403 unless the request's token reads every project. */
const everyProject: RequestHandler = (_req, res, next) => {
  if (tokenOf(res).projects.includes('*')) return next();
  next(new HttpProblem({ title: 'Forbidden', status: 403, detail: FORBIDDEN_DETAIL }));
};

/**
 * 415 unless the request says its body is JSON, body or not: a cross-site form cannot send that type, so a
 * page elsewhere cannot make a logged-in browser replay dead letters (the session cookie is SameSite=Strict too).
 */
const jsonOnly: RequestHandler = (req, _res, next) => {
  const got = mediaType(req.get('Content-Type'));
  if (got === 'application/json') return next();
  const detail = `Content-Type must be application/json${got === null ? '; none was given' : `, not ${got}`}`;
  next(new HttpProblem({ title: 'Unsupported Media Type', status: 415, detail }, { Accept: 'application/json' }));
};

/** One dead-letter topic as GET /v1/operations/dead-letters lists it. */
export interface DeadLetterTopic {
  /** The topic the records died in (what a redrive re-publishes them to). */
  topic: string;
  dlq: string;
  /** Records in the dead-letter topic (within its retention). */
  count: number;
  /** Of which not redriven yet (past the redrive group's committed offsets). */
  pending: number;
  /**
   * False: count and pending are offset spans, upper bounds (a record written in a Kafka transaction is followed
   * by a marker that takes an offset), as the read did not cover every record (operations-lag.ts).
   */
  exact: boolean;
  /** False for the canonical topic: its writer is the decider alone (fix the projector, then `verity rebuild`). */
  redrivable: boolean;
  /** False when the read's deadline passed before every partition was read to its end. */
  complete: boolean;
  records: DeadLetterRecord[];
}

const conflict = (detail: string) => new HttpProblem({ title: 'Conflict', status: 409, detail });

export function operationsRoutes(router: Router, deps: QueryDeps): void {
  const { config, db, kafka } = deps;
  const params = operationsParams();
  const parse = {
    consumers: paramParser<object, object>(params.consumers),
    deadLetters: paramParser<object, { limit?: number }>(params.deadLetters),
    redrive: paramParser<{ topic: string }, object>(params.redrive),
    readModels: paramParser<object, object>(params.readModels),
  };
  const redriveBody = createAjv().compile(REDRIVE_BODY);
  const cache = new ReadCache(CACHE_MS);
  // The last position of every partition, between polls: a partition is stalled when it is behind and its
  // position did not move for config.stallMs. In memory, bounded (PositionBook), per query instance.
  const book = new PositionBook();
  const redriving = new Set<string>();
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  router.get('/v1/operations/consumers', everyProject, async (req: Request, res: Response) => {
    parse.consumers(req);
    const read = () => withAdmin(kafka, (admin) => readConsumers(admin, db, book, config.stallMs));
    noStore(res).json(await cache.get('consumers', read));
  });

  router.get('/v1/operations/dead-letters', everyProject, async (req: Request, res: Response) => {
    const limit = parse.deadLetters(req).query.limit ?? DEAD_LETTERS_DEFAULT;
    noStore(res).json(await cache.get(`dead-letters:${limit}`, () => readDeadLetters(limit)));
  });

  router.post(
    '/v1/operations/dead-letters/:topic/redrive',
    safeTextParams(),
    everyProject,
    jsonOnly,
    express.json({ limit: '1kb', type: () => true, verify: strictUtf8 }),
    async (req: Request, res: Response) => {
      const { topic } = parse.redrive(req).path;
      check(redriveBody, req.body, '/body');
      if (!kafka) throw unavailable('operations need Kafka, and this instance runs without it', 30);
      if (redriving.has(topic)) throw conflict(`a redrive of ${dlqOf(topic)} is running on this instance`);
      redriving.add(topic);
      try {
        const report = await redrive(kafka, topic, { idleMs: 3000, maxRecords: REDRIVE_MAX_RECORDS });
        noStore(res).json({ topic: report.topic, redriven: report.redriven });
      } catch (err) {
        // redrive() refuses the canonical topic before it reads anything: its message says what to do instead.
        if (topic === TOPICS.pipelineEvents) throw conflict((err as Error).message);
        if (err instanceof Error && err.name.startsWith('KafkaJS')) throw unavailable(`Kafka: ${err.message}`, 5);
        throw err;
      } finally {
        redriving.delete(topic);
        cache.forget('dead-letters:');
      }
    },
  );

  router.get('/v1/operations/read-models', everyProject, async (req: Request, res: Response) => {
    parse.readModels(req);
    const read = () => withAdmin(kafka, (admin) => readVersions(admin, db));
    noStore(res).json(await cache.get('read-models', read));
  });

  async function readDeadLetters(limit: number) {
    const sources = deadLetterSources();
    const topics = await withAdmin(kafka, async (admin) => {
      const offsets = await topicOffsets(admin, sources.map(dlqOf));
      const peeked = await peekNewest(kafka!, admin, offsets, limit);
      const out: DeadLetterTopic[] = [];
      for (const topic of sources) {
        const dlq = dlqOf(topic);
        const partitions = offsets.get(dlq);
        if (!partitions) continue; // not created on this cluster (`verity topics apply` makes it)
        const done = (await committed(admin, redriveGroup(topic), [dlq])).get(dlq);
        const page = peeked.get(dlq) ?? { records: [], complete: true, read: new Map() };
        const counts = deadLetterCounts(
          partitions.map((p) => ({ ...p, read: page.read.get(p.partition), redriven: done?.get(p.partition) })),
          page.complete,
        );
        out.push({
          topic,
          dlq,
          ...counts,
          redrivable: topic !== TOPICS.pipelineEvents,
          complete: page.complete,
          records: page.records,
        });
      }
      return out;
    });
    const projections = await projectionPoison(db, PROJECTOR_TOPICS, limit);
    return { observed_at: new Date().toISOString(), limit, topics, projections };
  }
}
