// The webhook benchmark's settings (environment, with the quick/full profile sizes in bench/suite/specs.ts) and
// the small helpers every part of it uses.
import type { Row } from '../../lib.js';
import type { Service } from '../soak/services.js';

export const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 3000);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
export const WARMUP = Number(process.env.BENCH_WARMUP_PIPELINES ?? 30);
export const KEYED = process.env.BENCH_KEYED_REPORTS !== '0';
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
export const DRAIN_TIMEOUT_S = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 600);
/** The bound on a hook's answer under load, and the time after which GitLab gives up on a hook. */
export const ANSWER_TARGET_MS = 1000;
export const GITLAB_TIMEOUT_MS = 10_000;
export const JOBS = ['rspec', 'jest', 'lint'];
export const PER_PIPELINE = 1 + 2 * JOBS.length;

export const INSTANCE = 'https://gitlab.example.com';
export const SECRET = 'bench-gitlab-secret-0123456789abcdef';
export const TOKEN = 'bench-token-0123456789abcdef';
export const HOOK_PROJECT = 'bench/webhooks';
export const REPORT_PROJECT = 'bench/reports';
export const KEYED_PROJECT = 'bench/reports-keyed';
export const SERVICES: Service[] = ['ingest', 'decider', 'projector'];

export const progress = (msg: string) =>
  process.stderr.write(`[webhooks ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
export const emit = (o: Row) => console.log(JSON.stringify(o));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Set by SIGINT/SIGTERM: the senders and the drain stop. */
export const control = { stopRequested: false };
