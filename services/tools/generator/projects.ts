// The scenario model's options (with their defaults) and its project population: N projects, each with
// its refs (main and a few branches), its own runners and a traffic weight — a few projects are busy, most
// are quiet. A project is a pure function of (seed, its number).
import type { LogSource } from './logs.js';
import { Rng } from './rng.js';

export interface ModelOptions {
  seed: number;
  /** Mixed into pipeline ids only, so two runs of one seed send the same traffic under fresh ids. */
  idSalt?: string;
  projects?: number;
  projectPrefix?: string;
  /** Share of jobs whose first attempt fails (flaky ones included). */
  failureRate?: number;
  /** Share of those failures that are flaky: the same job passes on a retry of the same sha. */
  flakyShare?: number;
  /** Share of pipelines that get a cancel command while they run. */
  cancelRate?: number;
  /** Share of optional manual jobs somebody plays (blocking ones are always played). */
  playRate?: number;
  /** Share of pipelines using DAG `needs`. */
  dagRate?: number;
  /** Where failure logs come from (default: short synthetic logs). */
  logs?: LogSource;
}

/** The options with every default filled in. */
export type ResolvedModelOptions = Required<Omit<ModelOptions, 'logs'>> & { logs: LogSource };

export const MODEL_DEFAULTS = {
  idSalt: '',
  projects: 50,
  projectPrefix: 'loadgen/',
  failureRate: 0.1,
  flakyShare: 0.3,
  cancelRate: 0.02,
  playRate: 0.5,
  dagRate: 0.35,
} as const;

export interface Project {
  id: string;
  refs: string[];
  runners: string[];
  /** Relative traffic share (a few projects are busy, most are quiet). */
  weight: number;
}

const TEAMS = [
  'payments',
  'search',
  'platform',
  'mobile',
  'data',
  'infra',
  'growth',
  'billing',
  'identity',
  'docs',
  'checkout',
  'ml',
];
const APPS = ['api', 'web', 'worker', 'gateway', 'sdk', 'etl', 'cli', 'ui', 'scheduler', 'notifier', 'indexer', 'auth'];
const TOPICS = [
  'login',
  'cache',
  'retry',
  'export',
  'search',
  'i18n',
  'upgrade',
  'refactor',
  'flaky-fix',
  'metrics',
  'rate-limit',
  'dark-mode',
];

export function makeProject(seed: number, p: number, prefix: string): Project {
  const r = new Rng(seed, 'project', p);
  const id = `${prefix}${String(p).padStart(3, '0')}-${r.pick(TEAMS)}-${r.pick(APPS)}`;
  const branches = r.int(1, 8);
  const refs = [
    'main',
    ...Array.from(
      { length: branches },
      (_, i) => `${r.pick(['feature', 'fix', 'chore'])}/${r.pick(TOPICS)}-${100 + p * 10 + i}`,
    ),
  ];
  const runners = Array.from({ length: r.int(1, 4) }, (_, i) => `${id.replace(/[^a-z0-9]+/gi, '-')}-runner-${i + 1}`);
  return { id, refs, runners, weight: 1 / Math.pow(p + 1, 0.8) };
}
