// A connection to an external CI (issue 14): which of its projects report into which Verity project, the
// secret its webhooks prove themselves with and the API token Verity reads logs and history with. Kept in
// the producer tokens file (INGEST_TOKENS_FILE) beside the producer tokens, under "connections".

import type { ObservedSystem } from '../../core/observed/systems.js';

export type ConnectionSystem = ObservedSystem;

export interface Connection {
  /** A name for logs and metrics; unique in the file. */
  name: string;
  system: ConnectionSystem;
  /** Base URL of the CI instance as users see it (https://gitlab.example.com, https://github.com). */
  instance: string;
  /** The project there: GitLab path_with_namespace or numeric id, GitHub owner/repo; `*` = any. */
  externalProject: string;
  /** The Verity project its pipelines belong to. */
  project: string;
  /**
   * What deliveries prove themselves with: GitLab's X-Gitlab-Token value, GitHub's webhook secret (HMAC key of
   * X-Hub-Signature-256), the Bearer token of a CDEvents sender.
   */
  secret: string;
  /** API token for log fetching and import (GitLab PRIVATE-TOKEN with read_api, GitHub token with actions:read). */
  apiToken: string | null;
  /** API base URL: default https://<instance>/api/v4 for GitLab, https://api.github.com for github.com. */
  apiUrl: string;
}
