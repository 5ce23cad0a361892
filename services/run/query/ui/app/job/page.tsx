// The Job page (/jobs/:id, docs/DASHBOARD.md): one job attempt — its status history, its remediation
// proposal with feedback buttons, and its log in the log viewer with the proposal's evidence marked. Live:
// the pipeline's stream refetches the job (and its log once one is attached); the proposal, which is no
// pipeline event, is polled for while the failed job has none, and after feedback until it is recorded.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SessionEnded, STREAM_EVENTS } from '../api.js';
import { StatusBadge } from '../status.js';
import { getJob, getLog, getProposals, type JobDetail, type LogAnswer, type Proposal } from './api.js';
import { Attempts } from './attempts.js';
import { bytes, duration, words } from './format.js';
import { parseLog } from './log-model.js';
import { LogViewer } from './log-viewer.js';
import { ProposalPanel, type Sent } from './proposal.js';
import { evidenceOf } from './rows.js';

/** How long the page polls for a proposal after a failure, and for feedback to be recorded. */
const PROPOSAL_WAIT_MS = 180_000;
const FEEDBACK_WAIT_MS = 60_000;

interface LoadedLog {
  answer: LogAnswer;
  startedAt: number;
}

export default function JobPage({ id }: { id: string }) {
  const [job, setJob] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [proposals, setProposals] = useState<Proposal[] | null>(null);
  const [log, setLog] = useState<LoadedLog | null>(null);
  const [awaiting, setAwaiting] = useState<Sent | null>(null);
  const current = useRef(id);
  current.current = id;

  const failed = (err: unknown) => {
    if (!(err instanceof SessionEnded)) setError((err as Error).message);
  };
  const loadJob = useCallback(
    () =>
      getJob(id).then((j) => {
        if (current.current === id) setJob(j);
      }, failed),
    [id],
  );
  const loadProposals = useCallback(
    () =>
      getProposals(id).then((p) => {
        if (current.current === id) setProposals(p);
      }, failed),
    [id],
  );
  const loadLog = useCallback(() => {
    const startedAt = performance.now();
    return getLog(id).then((answer) => {
      if (current.current === id) setLog({ answer, startedAt });
    }, failed);
  }, [id]);

  useEffect(() => {
    setJob(null);
    setProposals(null);
    setLog(null);
    setError(null);
    setAwaiting(null);
    void loadJob();
    void loadProposals();
    void loadLog();
  }, [id, loadJob, loadProposals, loadLog]);

  // A log attached later (the job failed while the page was open, or an observed job's log was fetched).
  const seenRef = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!job) return;
    if (seenRef.current !== undefined && seenRef.current !== job.log_ref) void loadLog();
    seenRef.current = job.log_ref;
  }, [job, loadLog]);

  // Live: every event of the job's pipeline refetches the job (its ETag makes an unchanged one cheap).
  const pipelineId = job?.pipeline_id;
  useEffect(() => {
    if (!pipelineId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = () => {
      clearTimeout(timer);
      // The projector writes the row shortly after the event reaches us.
      timer = setTimeout(() => void loadJob(), 300);
    };
    const source = new EventSource(`/v1/stream?${new URLSearchParams({ pipeline: pipelineId })}`);
    for (const type of STREAM_EVENTS) source.addEventListener(type, onEvent);
    source.addEventListener('reset', onEvent);
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [pipelineId, loadJob]);

  // Proposals are not pipeline events: poll while a failed job has none, and until sent feedback is recorded.
  const waitingForProposal = job?.status === 'failed' && proposals !== null && proposals.length === 0;
  useEffect(() => {
    if (!waitingForProposal && !awaiting) return;
    const until = Date.now() + (awaiting ? FEEDBACK_WAIT_MS : PROPOSAL_WAIT_MS);
    const timer = setInterval(
      () => {
        if (Date.now() > until) {
          clearInterval(timer);
          setAwaiting(null);
        } else void loadProposals();
      },
      awaiting ? 1000 : 2000,
    );
    return () => clearInterval(timer);
  }, [waitingForProposal, awaiting, loadProposals]);
  useEffect(() => {
    if (!awaiting || !proposals) return;
    const p = proposals.find((x) => x.proposal_id === awaiting.proposalId);
    if (p?.feedback && p.feedback.verdict === awaiting.verdict && p.feedback.at !== awaiting.before) setAwaiting(null);
  }, [proposals, awaiting]);

  // The text shown: the whole log, or the excerpt when that is all there is (the evidence then numbers its lines).
  const shown = useMemo(() => {
    if (log?.answer.kind === 'log') return { text: log.answer.text, excerpt: false };
    if (log && job?.log_excerpt) return { text: job.log_excerpt, excerpt: true };
    return null;
  }, [log, job?.log_excerpt]);
  const model = useMemo(() => (shown ? parseLog(shown.text) : null), [shown]);
  const first = proposals?.[0];
  const evidence = useMemo(
    () => (model && first ? evidenceOf(first.evidence, model.lines.length) : evidenceOf([], 0)),
    [model, first],
  );

  if (error && !job)
    return (
      <section>
        <h1>Job</h1>
        <p class="error" role="alert">
          This job could not be read ({error}). It may not exist, or not be in a project of this session.
        </p>
      </section>
    );
  if (!job)
    return (
      <section>
        <h1>Job</h1>
        <p class="muted">Loading…</p>
      </section>
    );

  return (
    <div class="job-page" data-job-id={job.job_id}>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/">Pipelines</a> ›{' '}
        <a href={`/pipelines/${job.pipeline_id}`}>Pipeline #{job.pipeline_id.slice(0, 8)}</a> › {job.name}
      </nav>
      <div class="page-head">
        <h1>
          Job <code>{job.name}</code>
        </h1>
        <StatusBadge status={job.status} />
      </div>
      <p class="job-meta">
        <span>{job.project_id}</span> · <span>stage {job.stage}</span> ·{' '}
        <span>
          attempt {job.attempt} of {job.attempts.length}
        </span>{' '}
        · <span>{duration(job.duration_ms)}</span>
        {job.failure_reason ? <span> · {words(job.failure_reason)}</span> : null}
        {job.exit_code !== null ? <span> · exit code {job.exit_code}</span> : null}
        {job.allow_failure ? <span> · allowed to fail</span> : null}
        {job.external?.url ? (
          <span>
            {' '}
            · <a href={job.external.url}>in its CI</a>
          </span>
        ) : null}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}

      <div class="job-layout">
        <section aria-labelledby="log-h" class="log-section">
          <h2 id="log-h">Log</h2>
          {!log && <p class="muted">Loading the log…</p>}
          {log?.answer.kind === 'log' && (
            <p class="muted log-about">
              {bytes(new TextEncoder().encode(log.answer.text).length)}, secrets masked when stored.{' '}
              <a href={`/v1/jobs/${job.job_id}/log`}>Raw log</a>
            </p>
          )}
          {log?.answer.kind === 'none' && (
            <p class="muted log-about" role="note">
              {log.answer.detail}
              {shown?.excerpt ? '. Shown below: the excerpt, its lines numbered from 1.' : ''}
            </p>
          )}
          {model && shown && (
            <LogViewer
              key={`${job.job_id}:${log!.startedAt}`}
              model={model}
              evidence={evidence}
              label={`${shown.excerpt ? 'Log excerpt' : 'Log'} of job ${job.name}`}
              startedAt={log!.startedAt}
            />
          )}
        </section>
        <aside class="job-side" aria-label="Proposal and status history">
          {proposals?.map((p, k) => (
            <ProposalPanel
              key={p.proposal_id}
              p={p}
              evidence={model ? evidenceOf(p.evidence, model.lines.length) : null}
              highlighted={k === 0}
              awaiting={awaiting?.proposalId === p.proposal_id ? awaiting : null}
              onSent={setAwaiting}
            />
          ))}
          {job.status === 'failed' && proposals?.length === 0 && (
            <section aria-labelledby="proposal-none">
              <h2 id="proposal-none">Remediation proposal</h2>
              <p class="muted" role="status">
                No proposal yet: the remediator proposes one shortly after a failure (this page checks every 2 s).
              </p>
            </section>
          )}

          <Attempts attempts={job.attempts} current={job.job_id} />
        </aside>
      </div>
    </div>
  );
}
