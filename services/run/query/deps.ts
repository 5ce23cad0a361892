// What the query API's routes are given (routes.ts and the dashboard's route files): configuration, tokens,
// the read model and the optional edges (live stream, feedback publisher, dashboard sessions).
import type { RemediationFeedbackGiven } from '../../lib/core/events/generated.js';
import type { Kafka } from 'kafkajs';
import type { Db } from '../../lib/platform/db/client.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import type { TokenRegistry } from '../../lib/platform/http/tokens.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';
import type { QueryConfig } from './config.js';
import type { SessionStore } from './session.js';
import type { StreamHub } from './stream.js';

export interface QueryDeps {
  /** Publishes explicit feedback on a proposal (RemediationFeedbackGiven); absent when disabled. */
  feedback?: (event: RemediationFeedbackGiven) => Promise<void>;
  /** Live updates (GET /v1/stream); absent when the service runs without Kafka. */
  stream?: StreamHub;
  /** Dashboard sessions: a session cookie stands for its read token on every /v1 route (session.ts). */
  sessions?: SessionStore;
  /** The stored job logs (ingest's log store), for GET /v1/jobs/{id}/log. */
  logs?: LogStore;
  /** The Kafka client of the service (admin reads for the operations routes); absent in tests without Kafka. */
  kafka?: Kafka;
  config: QueryConfig;
  tokens: TokenRegistry;
  db: Db;
  /** The tables read: the `rm` views in service. */
  tables: ReadModel;
}
