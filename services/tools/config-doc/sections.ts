// The sections of docs/CONFIGURATION.md, in order: what every service reads, then each service, the
// supervisor, the local stack and the tools. Each service's variables come from the spec its loader reads.
import { platformConfigSpec } from '../../lib/platform/config/index.js';
import type { DocSection } from './render.js';
import { supervisorConfigSpec } from '../cli/index.js';
import { deciderConfigSpec } from '../../run/decider/index.js';
import { ingestConfigSpec } from '../../run/ingest/index.js';
import { projectorConfigSpec } from '../../run/projector/index.js';
import { queryConfigSpec } from '../../run/query/index.js';
import { remediatorConfigSpec } from '../../run/remediator/index.js';
import { scorerConfigSpec } from '../../run/scorer/index.js';
import { timerConfigSpec } from '../../run/timer/index.js';
import { coordinatorConfigSpec } from '../../run/coordinator/index.js';
import { exporterConfigSpec } from '../../run/exporter/index.js';
import { fetcherConfigSpec } from '../../run/fetcher/index.js';
import { localStack, runtime, tools, tracing } from './read-elsewhere.js';

export const SECTIONS: DocSection[] = [
  {
    title: 'Every service',
    intro: 'Read by every service, and by the `verity` commands that reach Kafka, the registry or Postgres.',
    spec: { ...platformConfigSpec, ...runtime.spec },
  },
  {
    title: 'Tracing',
    intro:
      'Every service (`services/lib/platform/telemetry/tracing.ts` and the OpenTelemetry SDK). With no OTLP ' +
      'endpoint, spans exist and their ids propagate, but nothing leaves the process.',
    spec: tracing.spec,
  },
  { title: 'Ingest', intro: "`verity ingest`: the producers' API (`services/run/ingest`).", spec: ingestConfigSpec },
  { title: 'Decider', intro: '`verity decider` (`services/run/decider`).', spec: deciderConfigSpec },
  { title: 'Projector', intro: '`verity projector` (`services/run/projector`).', spec: projectorConfigSpec },
  { title: 'Query API', intro: "`verity query`: the readers' API (`services/run/query`).", spec: queryConfigSpec },
  {
    title: 'Remediator',
    intro:
      '`verity remediator` (`services/run/remediator`); `verity experiment` uses the same `OPENAI_*` and ' +
      'model settings.',
    spec: remediatorConfigSpec,
  },
  { title: 'Scorer', intro: '`verity scorer` (`services/run/scorer`).', spec: scorerConfigSpec },
  {
    title: 'Timer',
    intro: '`verity timer` (`services/run/timer`): due times of `ci.pipeline.due.v1` → `Tick` reports.',
    spec: timerConfigSpec,
  },
  {
    title: 'Coordinator',
    intro:
      '`verity coordinator` (`services/run/coordinator`): resource groups and auto-cancel across pipelines ' +
      '(`ci.coordination.v1` → `AssignResource` / `AutoCancel` reports).',
    spec: coordinatorConfigSpec,
  },
  {
    title: 'Fetcher',
    intro:
      "`verity fetcher` (`services/run/fetcher`): observed jobs' logs from their CI's API → `AttachJobLog` " +
      'reports (docs/OBSERVED.md). The API tokens are the connections of `INGEST_TOKENS_FILE`.',
    spec: fetcherConfigSpec,
  },
  {
    title: 'Exporter',
    intro:
      "`verity exporter` (`services/run/exporter`): Verity's pipeline and job events as CDEvents to a sink; " +
      '`verity up` runs it only when `EXPORTER_SINK_URL` is set.',
    spec: exporterConfigSpec,
  },
  {
    title: 'Supervisor',
    intro:
      '`verity up` (`services/tools/cli/supervisor`). Every other variable passes through to the services it ' +
      'runs, unchanged.',
    spec: supervisorConfigSpec,
  },
  {
    title: 'Local stack',
    intro: '`make up` and `make demo`: read by the shell scripts of `infra/stack`, not checked at start.',
    spec: localStack.spec,
  },
  {
    title: 'Tools and tests',
    intro:
      'The load generator (`services/tools/generator`) and the crash tests. The `DEMO_*` variables of ' +
      '`verity demo` are in [CLI.md](CLI.md).',
    spec: tools.spec,
  },
];
