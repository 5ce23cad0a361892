// The job page's reads and its one write (docs/API.md): GET /v1/jobs/{id} (the attempt, its excerpt and every
// attempt of the job), GET /v1/remediations?job_id= (its proposals with feedback and score: that list has no
// ETag, so a proposal or feedback that arrives later is never hidden behind a 304 of the job's ETag, which
// follows the job's events only), GET /v1/jobs/{id}/log (the whole log, text) and POST
// /v1/remediations/{id}/feedback. (.tsx: a .ts here would be type-checked by the server's tsconfig, which
// cannot import ../api.tsx.)
import { getJson, SessionEnded, type Page } from '../api.js';
import type { EvidenceRange } from './rows.js';

export interface Attempt {
  job_id: string;
  attempt: number;
  status: string;
  retried: boolean;
  runner_id: string | null;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  queued_ms: number | null;
  duration_ms: number | null;
  failure_reason: string | null;
  exit_code: number | null;
}

export interface JobDetail extends Attempt {
  pipeline_id: string;
  project_id: string;
  name: string;
  stage: string;
  allow_failure: boolean;
  log_ref: string | null;
  log_excerpt: string | null;
  log_fetch_error: string | null;
  external: { id: string; url: string | null } | null;
  attempts: Attempt[];
}

export interface Proposal {
  proposal_id: string;
  job_id: string;
  provider: string;
  model: string | null;
  prompt_version: string;
  category: string;
  root_cause: string;
  evidence: EvidenceRange[];
  suggested_action: { kind: string; summary: string };
  confidence: number;
  latency_ms: number;
  proposed_at: string | null;
  feedback: { verdict: string; reason: string | null; actor: string | null; at: string | null } | null;
  score: { label: string; rule: string | null; outcome: string | null } | null;
}

export const getJob = (id: string): Promise<JobDetail> => getJson(`/v1/jobs/${encodeURIComponent(id)}`);

export async function getProposals(jobId: string): Promise<Proposal[]> {
  const q = new URLSearchParams({ job_id: jobId, limit: '20' });
  return (await getJson<Page<Proposal>>(`/v1/remediations?${q}`)).items;
}

/** The whole log, or why there is none (the route's 404 detail). */
export type LogAnswer = { kind: 'log'; text: string } | { kind: 'none'; detail: string };

async function problemDetail(r: Response): Promise<string> {
  try {
    const p = (await r.json()) as { detail?: string };
    return p.detail ?? `answered ${r.status}`;
  } catch {
    return `answered ${r.status}`;
  }
}

export async function getLog(jobId: string): Promise<LogAnswer> {
  const r = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/log`, { credentials: 'same-origin' });
  if (r.status === 401) {
    window.location.assign('/login');
    throw new SessionEnded('the session ended');
  }
  if (r.status === 404) return { kind: 'none', detail: await problemDetail(r) };
  if (!r.ok) throw new Error(`the log answered ${r.status}: ${await problemDetail(r)}`);
  return { kind: 'log', text: await r.text() };
}

export type Verdict = 'accepted' | 'rejected';

/** Posts feedback; the answer's status and body as they came (202 { feedback_id, … } when published). */
export async function sendFeedback(
  proposalId: string,
  verdict: Verdict,
  reason: string,
): Promise<{ status: number; detail: string }> {
  const r = await fetch(`/v1/remediations/${encodeURIComponent(proposalId)}/feedback`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(reason.trim() ? { verdict, reason: reason.trim() } : { verdict }),
  });
  if (r.status === 401) {
    window.location.assign('/login');
    throw new SessionEnded('the session ended');
  }
  if (r.status === 202) {
    const body = (await r.json()) as { feedback_id: string };
    return { status: 202, detail: body.feedback_id };
  }
  return { status: r.status, detail: await problemDetail(r) };
}
