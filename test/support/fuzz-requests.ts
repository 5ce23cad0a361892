// Generators (fast-check) of bad requests for every route of ingest and the query API. Each request is
// a valid request of its route with at least one defect applied — a wrong type, a boundary number,
// U+0000 or another control character, a lone surrogate, an over-long string, a wrong content type,
// broken JSON or NDJSON, a bad cursor or id, a path trick, a repeated or unknown query parameter, a
// missing, unknown or foreign token — so every one must be refused with a 4xx and write nothing.
// `validQuery` generates valid read requests: the control that notices if everything answered 400.
import fc from 'fast-check';
import type { RawRequest } from './fuzz-http.js';

export interface FuzzTargets {
  tokens: { alpha: string; beta: string; unknown: string };
  alphaProject: string;
  betaProject: string;
  /** A pipeline of alpha that ingest and the decider know, with a job named `job`. */
  alphaPipeline: string;
  job: string;
  /** Read-model rows of alpha (readable) and beta (foreign to alpha's token). */
  read: {
    alphaPipeline: string;
    alphaJob: string;
    alphaProposal: string;
    betaPipeline: string;
    betaJob: string;
    betaProposal: string;
  };
}

export interface FuzzRequest extends RawRequest {
  service: 'ingest' | 'query';
  /** Method and route template, for the summary table. */
  route: string;
  /** What is wrong with it. */
  defect: string;
  /** Bulk: the whole body is wrong, so the answer must be one problem+json, not per-line verdicts. */
  whole?: boolean;
}

type Body = Record<string, unknown>;
const enc = encodeURIComponent;
const RAW = (text: string) => `\u0001RAW${text}\u0001`;
/** JSON with RAW(…) placeholders replaced by their text unquoted (numbers JSON.stringify cannot write). */
const json = (v: unknown): string => JSON.stringify(v).replace(/"\\u0001RAW(.*?)\\u0001"/g, '$1');
const uuid = fc.uuid({ version: [4, 7] });

// ---- nasty values ----
const around = (chars: string[]) =>
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...chars), fc.string({ maxLength: 8 }))
    .map(([a, c, b]) => a + c + b);
/** Text Postgres refuses or that is not text: U+0000 and lone surrogates (both refused in every body string). */
const unsafeText = around(['\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF']);
/** What no id, filter, header or query value may hold (the request guards): every C0 control, DEL, U+0000. */
const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u001B', '\u001F', '\u007F', '\t', '\r', '\n'];
/** The same for header values: no tab (a leading or trailing one is trimmed away), CR or LF (they end the header). */
const headerControlText = around(CONTROLS.filter((c) => !['\t', '\r', '\n'].includes(c)));
/** Longer than any bounded text field takes (the longest, a ref, takes 1,024), within the body limit. */
const overLong = fc.constantFrom(1025, 5000, 70_000).map((n) => 'x'.repeat(n));
const wrongType = fc.constantFrom<unknown>(null, true, 0, -1, 1.5, [], {}, [1], { a: 1 }, '');
const boundaryInt = fc.constantFrom(
  RAW('2147483648'),
  RAW('-2147483649'),
  RAW('9007199254740993'),
  RAW('-9007199254740993'),
  RAW('1e400'),
  RAW('1.5'),
  RAW('-0.5'),
  'NaN',
  'Infinity',
  '1',
);
const badUuid = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    'x',
    '-1',
    '0',
    '2147483648',
    'null',
    'undefined',
    '%2E%2E',
    '..%2F..%2Fetc',
    '%2F',
    'a%2Fb',
    '%00',
    '%ZZ',
    '%E0%A4%A',
    '%ED%A0%80',
    '%C0%AE',
    "1'%20OR%201=1",
    '%20',
  ),
  uuid.map((u) => `urn:uuid:${u}`),
  uuid.map((u) => `%7B${u}%7D`),
  uuid.map((u) => u.slice(0, 35)),
  uuid.map((u) => `${u}0`),
  uuid.map((u) => u.replaceAll('-', '')),
  uuid.map((u) => `${u}%00`),
  fc.constantFrom(260, 5000).map((n) => 'a'.repeat(n)),
);
/** A job reference no route takes: path-like, control characters, over long. */
const badJob = fc.oneof(
  fc.constantFrom(
    '..',
    '%2E%2E',
    '..%2F..%2Fetc%2Fpasswd',
    'a%2F..%2Fb',
    '%00',
    'a%00b',
    'a%01b',
    '%7F',
    '%ZZ',
    '%ED%A0%80',
    '%0A',
    '%0D%0A',
  ),
  fc.constantFrom(256, 5000).map((n) => 'j'.repeat(n)),
);
const pct = (s: string) => enc(s);

// ---- the routes ----
interface Base {
  service: 'ingest' | 'query';
  route: string;
  method: string;
  /** Path segments: literal or the parameter's value (percent-encoded when built). */
  path: (p: Record<string, string>) => string;
  params: Record<string, string>;
  query: [string, string][];
  token: string;
  body?: Body;
  /** NDJSON lines (bulk), or a raw body (log). */
  lines?: Body[];
  raw?: Buffer;
  contentType?: string;
  /** Query parameters whose values are checked (the others are unknown: a defect). */
  known: string[];
}

export function fuzzRoutes(t: FuzzTargets) {
  const ingest = (
    route: string,
    method: string,
    path: Base['path'],
    params: Record<string, string>,
    body: Body,
    known = ['wait'],
  ): Base => ({
    service: 'ingest',
    route: `${method} ${route}`,
    method,
    path,
    params,
    query: [],
    token: t.tokens.alpha,
    body,
    contentType: 'application/json',
    known,
  });
  const query = (
    route: string,
    path: Base['path'],
    params: Record<string, string>,
    q: [string, string][],
    known: string[],
  ): Base => ({
    service: 'query',
    route: `GET ${route}`,
    method: 'GET',
    path,
    params,
    query: q,
    token: t.tokens.alpha,
    known,
  });
  const P = t.alphaProject;
  const definition = {
    stages: ['build', 'test'],
    jobs: [
      { name: 'compile', stage: 'build' },
      { name: 'unit', stage: 'test', needs: ['compile'], retry: { max: 1, when: ['runner_system_failure'] } },
    ],
  };
  return {
    create: ingest(
      '/v1/pipelines',
      'POST',
      () => '/v1/pipelines',
      {},
      { project_id: P, ref: 'main', sha: 'a1b2c3d4e5f6', source: 'push', definition },
    ),
    report: ingest(
      '/v1/pipelines/{id}/jobs/{job}/reports',
      'POST',
      (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/reports`,
      { id: t.alphaPipeline, job: t.job },
      {
        project_id: P,
        status: 'failed',
        failure_reason: 'script_failure',
        exit_code: 1,
        log_tail: 'ERROR: failed',
      },
    ),
    cancel: ingest(
      '/v1/pipelines/{id}/cancel',
      'POST',
      (p) => `/v1/pipelines/${p.id}/cancel`,
      { id: t.alphaPipeline },
      { project_id: P },
    ),
    retry: ingest(
      '/v1/pipelines/{id}/jobs/{job}/retry',
      'POST',
      (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/retry`,
      { id: t.alphaPipeline, job: t.job },
      { project_id: P },
    ),
    play: ingest(
      '/v1/pipelines/{id}/jobs/{job}/play',
      'POST',
      (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/play`,
      { id: t.alphaPipeline, job: t.job },
      { project_id: P },
    ),
    cancelJob: ingest(
      '/v1/pipelines/{id}/jobs/{job}/cancel',
      'POST',
      (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/cancel`,
      { id: t.alphaPipeline, job: t.job },
      { project_id: P },
    ),
    retryPipeline: ingest(
      '/v1/pipelines/{id}/retry',
      'POST',
      (p) => `/v1/pipelines/${p.id}/retry`,
      { id: t.alphaPipeline },
      { project_id: P },
    ),
    unschedule: ingest(
      '/v1/pipelines/{id}/jobs/{job}/unschedule',
      'POST',
      (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/unschedule`,
      { id: t.alphaPipeline, job: t.job },
      { project_id: P },
    ),
    log: {
      ...ingest(
        '/v1/pipelines/{id}/jobs/{job}/log',
        'PUT',
        (p) => `/v1/pipelines/${p.id}/jobs/${p.job}/log`,
        { id: t.alphaPipeline, job: t.job },
        {},
        ['project_id'],
      ),
      body: undefined,
      raw: Buffer.from('$ make\nok\n'),
      contentType: 'text/plain',
      query: [['project_id', P]] as [string, string][],
    },
    bulk: {
      ...ingest('/v1/reports:bulk', 'POST', () => '/v1/reports:bulk', {}, {}, []),
      body: undefined,
      lines: [
        { op: 'report', pipeline_id: t.alphaPipeline, job: t.job, project_id: P, status: 'running', runner_id: 'r1' },
      ],
      contentType: 'application/x-ndjson',
    },
    pipelines: query(
      '/v1/pipelines',
      () => '/v1/pipelines',
      {},
      [
        ['project', P],
        ['limit', '5'],
      ],
      ['project', 'ref', 'status', 'source', 'created_after', 'created_before', 'limit', 'cursor'],
    ),
    pipeline: query('/v1/pipelines/{id}', (p) => `/v1/pipelines/${p.id}`, { id: t.read.alphaPipeline }, [], []),
    jobDetail: query('/v1/jobs/{id}', (p) => `/v1/jobs/${p.id}`, { id: t.read.alphaJob }, [], []),
    stats: query(
      '/v1/projects/{project}/stats',
      (p) => `/v1/projects/${p.project}/stats`,
      { project: pct(P) },
      [['window', '7d']],
      ['window'],
    ),
    flaky: query(
      '/v1/projects/{project}/flaky-jobs',
      (p) => `/v1/projects/${p.project}/flaky-jobs`,
      { project: pct(P) },
      [['limit', '5']],
      ['limit'],
    ),
    remediations: query(
      '/v1/remediations',
      () => '/v1/remediations',
      {},
      [['project', P]],
      ['project', 'provider', 'prompt_version', 'category', 'label', 'job_id', 'include_shadow', 'limit', 'cursor'],
    ),
    summary: query(
      '/v1/remediations/summary',
      () => '/v1/remediations/summary',
      {},
      [
        ['project', P],
        ['window', '30d'],
      ],
      ['project', 'window'],
    ),
    stream: query('/v1/stream', () => '/v1/stream', {}, [['project', P]], ['project', 'pipeline']),
    feedback: {
      ...query(
        '/v1/remediations/{id}/feedback',
        (p) => `/v1/remediations/${p.id}/feedback`,
        { id: t.read.alphaProposal },
        [],
        [],
      ),
      route: 'POST /v1/remediations/{id}/feedback',
      method: 'POST',
      body: { verdict: 'rejected', reason: 'fuzz' },
      contentType: 'application/json',
    },
  } satisfies Record<string, Base>;
}

export type RouteName = keyof ReturnType<typeof fuzzRoutes>;
const INGEST_JSON: RouteName[] = [
  'create',
  'report',
  'cancel',
  'retry',
  'play',
  'cancelJob',
  'retryPipeline',
  'unschedule',
];
const QUERY_GET: RouteName[] = [
  'pipelines',
  'pipeline',
  'jobDetail',
  'stats',
  'flaky',
  'remediations',
  'summary',
  'stream',
];

/** The request as bytes. */
function build(b: Base, defect: string, extraHeaders: [string, string][] = [], whole = false): FuzzRequest {
  const target = b.path(b.params) + (b.query.length ? `?${b.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const headers: [string, string][] = [];
  if (b.token) headers.push(['Authorization', `Bearer ${b.token}`]);
  let body: Buffer | undefined = b.raw;
  if (b.lines) body = Buffer.from(b.lines.map((l) => (typeof l === 'string' ? l : json(l))).join('\n') + '\n', 'utf8');
  else if (b.body) body = Buffer.from(json(b.body), 'utf8');
  if (body !== undefined && b.contentType) headers.push(['Content-Type', b.contentType]);
  return {
    service: b.service,
    route: b.route,
    method: b.method,
    target,
    headers: [...headers, ...extraHeaders],
    body,
    defect,
    ...(whole ? { whole } : {}),
  };
}

/** Values of the query parameters the query routes validate that each must refuse. */
const badQueryValue: Record<string, fc.Arbitrary<string>> = {
  limit: fc.constantFrom(
    '0',
    '-1',
    '201',
    '2147483648',
    '-2147483649',
    '9007199254740993',
    '1.5',
    '1e2',
    'NaN',
    'Infinity',
    '',
    '%205',
    '0x10',
    '%EF%BC%95',
    'ten',
  ),
  window: fc.constantFrom('0d', '91d', '7', '1w', '-1d', '7d7d', '2147483648d', '', 'NaNd'),
  cursor: fc.oneof(
    fc.constantFrom('!!!', '', 'bm90IGpzb24', 'x'.repeat(600)),
    uuid.map((u) => Buffer.from(JSON.stringify(['2026-01-01T00:00:00+01:60', u])).toString('base64url')),
    uuid.map((u) => Buffer.from(JSON.stringify(['2026-02-30 00:00:00+00', u])).toString('base64url')),
    uuid.map((u) => Buffer.from(JSON.stringify(['0000-01-01 00:00:00+00', u])).toString('base64url')),
    uuid.map((u) => Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', `urn:uuid:${u}`])).toString('base64url')),
    uuid.map((u) => Buffer.from(JSON.stringify(['2026-01-01T25:00:00Z', u])).toString('base64url')),
    uuid.map((u) => Buffer.from(JSON.stringify([1, u, 3])).toString('base64url')),
    fc.constantFrom('["x","y"]', 'null', '{}', '[]', '"\\u0000"').map((s) => Buffer.from(s).toString('base64url')),
  ),
  created_after: fc.constantFrom(
    'yesterday',
    '2026-13-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2026-01-01T00:00:00%2B14:60',
    '2026-01-01',
    '%202026-01-01T00:00:00Z',
    '99999-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
  ),
  status: fc.constantFrom('exploded', '', 'SUCCESS', 'success%00'),
  source: fc.constantFrom('carrier-pigeon', '', 'PUSH'),
  category: fc.constantFrom('nope', ''),
  label: fc.constantFrom('great', '', 'PENDING'),
  include_shadow: fc.constantFrom('yes', '1', '', 'TRUE'),
  project: fc.oneof(fc.constantFrom('', 'x'.repeat(256), 'a%00b', 'a%01b', '%7F', 'a%0Ab')),
  ref: fc.constantFrom('', 'x'.repeat(1025), 'main%00', 'ma%1Bin'),
  provider: fc.constantFrom('UPPER', 'a'.repeat(65), 'heuristic%00', '-x', ''),
  prompt_version: fc.constantFrom('', 'p'.repeat(65), 'p%00'),
  job_id: badUuid,
  pipeline: badUuid,
};
badQueryValue.created_before = badQueryValue.created_after!;

/** A query-route request with one defect. */
function queryDefect(t: FuzzTargets, name: RouteName): fc.Arbitrary<FuzzRequest> {
  const base = fuzzRoutes(t)[name];
  const defects: fc.Arbitrary<FuzzRequest>[] = [
    fc
      .constantFrom<[string, string]>(['', 'no token'], [t.tokens.unknown, 'unknown token'])
      .map(([token, d]) => build({ ...base, token }, d)),
    fc
      .constantFrom('Basic Zm9vOmJhcg==', 'Bearer', 'Bearer  ', `Bearer ${t.tokens.alpha} extra`, 'bearer%00')
      .map((auth) => build({ ...base, token: '' }, `Authorization "${auth}"`, [['Authorization', auth]])),
    fc
      .constantFrom('offset', '__proto__', 'constructor', 'page', 'Project', 'limit[]', 'a%00')
      .map((k) => build({ ...base, query: [...base.query, [k, '1']] }, `unknown query parameter ${k}`)),
  ];
  if (base.known.length > 0) {
    defects.push(
      fc
        .constantFrom(...base.known)
        .chain((k) =>
          badQueryValue[k]!.map((v) =>
            build({ ...base, query: [...base.query.filter(([n]) => n !== k), [k, v]] }, `bad ${k}`),
          ),
        ),
      fc.constantFrom(...base.known).map((k) => {
        const v = base.query.find(([n]) => n === k)?.[1] ?? (k === 'limit' ? '5' : 'x');
        return build({ ...base, query: [...base.query, [k, v], [k, v]] }, `repeated ${k}`);
      }),
    );
  }
  if (name === 'pipeline' || name === 'jobDetail' || name === 'feedback') {
    defects.push(
      badUuid.map((id) => build({ ...base, params: { id } }, 'bad id')),
      fc.constant(
        build(
          {
            ...base,
            params: {
              id:
                name === 'pipeline' ? t.read.betaPipeline : name === 'jobDetail' ? t.read.betaJob : t.read.betaProposal,
            },
          },
          "another project's id",
        ),
      ),
      uuid.map((id) => build({ ...base, params: { id } }, 'unknown id')),
    );
    if (name !== 'feedback')
      defects.push(
        headerControlText.map((v) => build(base, 'If-None-Match with a control character', [['If-None-Match', v]])),
      );
  }
  if (name === 'stats' || name === 'flaky') {
    defects.push(
      fc
        .oneof(
          fc.constantFrom(
            'x'.repeat(256),
            'a%00b',
            'a%01b',
            '%7F',
            '%ZZ',
            '%ED%A0%80',
            '%',
            'a%2F..%2F..%2Fb',
            '..',
            '%2E%2E',
            'x'.repeat(5000),
          ),
          fc.constant(pct(t.betaProject)),
        )
        .map((project) =>
          build(
            { ...base, params: { project } },
            project === pct(t.betaProject) ? "another project's path" : 'bad project path',
          ),
        ),
    );
  }
  if (name === 'stream')
    defects.push(
      headerControlText.map((v) => build(base, 'Last-Event-ID with a control character', [['Last-Event-ID', v]])),
    );
  if (name === 'feedback') defects.push(...bodyDefects(base, feedbackFields));
  return fc.oneof(...defects);
}

type FieldSpec = Record<string, 'string' | 'int' | 'enum' | 'array' | 'object' | 'uuid' | 'time'>;
const feedbackFields: FieldSpec = { verdict: 'enum', reason: 'string' };
const FIELDS: Partial<Record<RouteName, FieldSpec>> = {
  create: {
    project_id: 'string',
    ref: 'string',
    sha: 'string',
    source: 'enum',
    definition: 'object',
    pipeline_id: 'uuid',
    idempotency_key: 'string',
    occurred_at: 'time',
  },
  report: {
    project_id: 'string',
    status: 'enum',
    failure_reason: 'string',
    exit_code: 'int',
    log_tail: 'string',
    runner_id: 'string',
    masked_values: 'array',
    idempotency_key: 'string',
    occurred_at: 'time',
  },
  cancel: { project_id: 'string', idempotency_key: 'string', occurred_at: 'time' },
  retry: { project_id: 'string', idempotency_key: 'string' },
  play: { project_id: 'string', idempotency_key: 'string', variables: 'array' },
  cancelJob: { project_id: 'string', idempotency_key: 'string' },
  retryPipeline: { project_id: 'string', occurred_at: 'time' },
  unschedule: { project_id: 'string', idempotency_key: 'string' },
};

/** A value a field of that kind must refuse. */
function badFieldValue(kind: FieldSpec[string], field: string): fc.Arbitrary<{ value: unknown; what: string }> {
  const w = (what: string) => (value: unknown) => ({ value, what });
  const common = [
    wrongType
      .filter(
        (v) => !(kind === 'array' && Array.isArray(v) && v.length === 0) && !(kind === 'int' && Number.isInteger(v)),
      )
      .map(w('a wrong type')),
  ];
  switch (kind) {
    case 'int':
      return fc.oneof(...common, boundaryInt.map(w('a boundary number')));
    case 'string':
      return fc.oneof(
        fc.constantFrom(0, true, null, [], {}).map(w('a wrong type')),
        unsafeText.map(w('U+0000 or a lone surrogate')),
        (field === 'log_tail' ? fc.constant('x'.repeat(1 << 21)) : overLong).map(w('an over-long string')),
      );
    case 'enum':
      return fc.oneof(
        ...common,
        fc.constantFrom('EXPLODED', 'success\u0000', 'x'.repeat(300)).map(w('not in the enum')),
      );
    case 'uuid':
      return fc.oneof(...common, badUuid.map(decodeURIComponentSafe).map(w('a bad UUID')));
    case 'time':
      return fc.oneof(
        ...common,
        fc
          .constantFrom(
            'yesterday',
            '2026-13-01T00:00:00Z',
            '2026-01-01T00:00:00+01:60',
            '0000-00-00T00:00:00Z',
            '2026-01-01T00:00:00\u0000Z',
          )
          .map(w('a bad date-time')),
      );
    case 'array':
      return fc.oneof(
        fc.constantFrom('x', 1, null, {}).map(w('a wrong type')),
        fc.constant(['ok', 'nul\u0000']).map(w('U+0000 in an item')),
        fc.constant(Array.from({ length: 101 }, () => 's')).map(w('too many items')),
      );
    case 'object':
      return fc.oneof(
        ...common,
        fc
          .constantFrom<unknown>(
            { stages: [], jobs: [] },
            { stages: ['s'], jobs: [{ name: 'j', stage: 's', retry: RAW('2147483648') }] },
            { stages: ['s'], jobs: [{ name: 'a/../b\u0000', stage: 's' }] },
            { stages: ['s'], jobs: [{ name: 'j'.repeat(256), stage: 's' }] },
            { stages: ['s'], jobs: [{ name: 'j', stage: 's', extra: 1 }] },
            { stages: ['s\uD800'], jobs: [{ name: 'j', stage: 's\uD800' }] },
            { stages: ['s'], jobs: Array.from({ length: 501 }, (_, i) => ({ name: `j${i}`, stage: 's' })) },
          )
          .map(w('a bad definition')),
      );
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Defects of a JSON body: bad field values, missing fields, unknown fields, broken JSON, wrong content types. */
function bodyDefects(base: Base, fields: FieldSpec): fc.Arbitrary<FuzzRequest>[] {
  const body = base.body!;
  const required = Object.keys(body).filter((k) => !['exit_code', 'log_tail', 'reason', 'source'].includes(k));
  const text = json(body);
  return [
    fc
      .constantFrom(...Object.keys(fields))
      .chain((k) =>
        badFieldValue(fields[k]!, k).map(({ value, what }) =>
          build({ ...base, body: { ...body, [k]: value } }, `${k}: ${what}`),
        ),
      ),
    fc.constantFrom(...required).map((k) => {
      const { [k]: _drop, ...rest } = body;
      return build({ ...base, body: rest }, `${k} missing`);
    }),
    fc
      .constantFrom('extra', '__proto__', 'constructor', 'nul\u0000key', '\uD800')
      .map((k) =>
        build(
          { ...base, raw: Buffer.from(`${text.slice(0, -1)},${JSON.stringify(k)}:1}`), body: undefined },
          `unknown field ${JSON.stringify(k)}`,
        ),
      ),
    fc
      .constantFrom(
        ['truncated', text.slice(0, Math.max(1, text.length - 5))],
        ['only a brace', '{'],
        ['not JSON', 'project_id=x'],
        ['an array', `[${text}]`],
        ['a string', JSON.stringify(text)],
        ['null', 'null'],
        ['empty', ''],
        ['two objects', `${text}${text}`],
        ['a trailing comma', `${text.slice(0, -1)},}`],
        ['single quotes', text.replaceAll('"', "'")],
        ['a BOM inside', `{\uFEFF${text.slice(1)}`],
        ['NUL after the object', `${text}\u0000`],
        ['deep nesting', `{"project_id":${'['.repeat(5000)}${']'.repeat(5000)}}`],
        ['very deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
        ['a duplicate key, the last one invalid', `${text.slice(0, -1)},"${Object.keys(fields)[0]}":{"x":1}}`],
        [
          'invalid UTF-8',
          Buffer.concat([
            Buffer.from(text.slice(0, -2)),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from(text.slice(-2)),
          ]).toString('latin1'),
        ],
      )
      .map(([what, raw]) =>
        build(
          { ...base, body: undefined, raw: Buffer.from(raw, what === 'invalid UTF-8' ? 'latin1' : 'utf8') },
          `broken JSON: ${what}`,
        ),
      ),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/x-ndjson',
        'application/jsonx',
        '',
      )
      .map((ct) => build({ ...base, contentType: ct || undefined }, `Content-Type ${ct || 'missing'}`)),
    fc
      .constantFrom('application/json; charset=latin-9', 'application/json; charset=utf-16')
      .map((ct) => build({ ...base, contentType: ct }, `Content-Type ${ct}`)),
    fc.constant(build(base, 'Content-Encoding gzip, body not gzip', [['Content-Encoding', 'gzip']])),
    fc.constant(build(base, 'Content-Encoding unknown', [['Content-Encoding', 'compress-fuzz']])),
  ];
}

/** An ingest JSON route request with one defect. */
function ingestJsonDefect(t: FuzzTargets, name: RouteName): fc.Arbitrary<FuzzRequest> {
  const base = fuzzRoutes(t)[name];
  const defects = [
    ...bodyDefects(base, FIELDS[name]!),
    fc
      .constantFrom<[string, string]>(['', 'no token'], [t.tokens.unknown, 'unknown token'])
      .map(([token, d]) => build({ ...base, token }, d)),
    fc.constant(build({ ...base, token: t.tokens.beta }, "another project's token (project_id of alpha)")),
    fc
      .constantFrom('abc', '-1', '1e3', '0x10', '', '%205', '99999999999', '1.5', '30001', 'NaN')
      .map((w) => build({ ...base, query: [['wait', w]] }, `?wait=${w}`)),
    fc.constant(
      build(
        {
          ...base,
          query: [
            ['wait', '0'],
            ['wait', '0'],
          ],
        },
        'repeated wait',
      ),
    ),
    fc
      .constantFrom('project_id', 'offset', 'a%00')
      .map((k) => build({ ...base, query: [[k, 'x']] }, `unknown query parameter ${k}`)),
    fc
      .oneof(
        headerControlText.map((v) => [v, 'a control character'] as const),
        fc.constantFrom(['', 'empty'] as const, ['k'.repeat(256), '256 characters'] as const),
      )
      .map(([v, what]) => build(base, `Idempotency-Key ${what}`, [['Idempotency-Key', v]])),
    headerControlText.map((v) => build(base, 'X-Correlation-Id with a control character', [['X-Correlation-Id', v]])),
  ];
  if (name !== 'create') {
    defects.push(
      badUuid.map((id) => build({ ...base, params: { ...base.params, id } }, 'bad pipeline id')),
      // Beta's own project in the body, alpha's pipeline in the path: a write into another project's pipeline.
      fc.constant(
        build(
          { ...base, token: t.tokens.beta, body: { ...base.body, project_id: t.betaProject } },
          "a write into another project's pipeline",
        ),
      ),
    );
  }
  if (['report', 'retry', 'play', 'cancelJob', 'unschedule'].includes(name))
    defects.push(badJob.map((job) => build({ ...base, params: { ...base.params, job } }, 'bad job reference')));
  return fc.oneof(...defects);
}

function logDefect(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const base = fuzzRoutes(t).log;
  return fc.oneof(
    fc
      .constantFrom<[string, string]>(['', 'no token'], [t.tokens.unknown, 'unknown token'])
      .map(([token, d]) => build({ ...base, token }, d)),
    fc.constant(build({ ...base, token: t.tokens.beta }, "another project's token (?project_id of alpha)")),
    fc.constant(
      build(
        { ...base, token: t.tokens.beta, query: [['project_id', pct(t.betaProject)]] },
        "a log into another project's pipeline",
      ),
    ),
    uuid.map((id) => build({ ...base, params: { ...base.params, id } }, 'a pipeline that does not exist')),
    fc.constant(build({ ...base, params: { ...base.params, job: 'no-such-job' } }, 'a job that does not exist')),
    badUuid.map((id) => build({ ...base, params: { ...base.params, id } }, 'bad pipeline id')),
    badJob.map((job) => build({ ...base, params: { ...base.params, job } }, 'bad job reference')),
    fc.constant(build({ ...base, query: [] }, 'project_id missing')),
    fc
      .constantFrom('', 'a%00b', 'a%01b', 'x'.repeat(256))
      .map((p) => build({ ...base, query: [['project_id', p]] }, 'bad project_id')),
    fc.constant(build({ ...base, query: [...base.query, ['project_id', pct(t.alphaProject)]] }, 'repeated project_id')),
    fc.constant(build({ ...base, query: [...base.query, ['offset', '1']] }, 'unknown query parameter')),
    fc.constant(build(base, 'Content-Encoding gzip, body not gzip', [['Content-Encoding', 'gzip']])),
    fc
      .constantFrom('not base64!', Buffer.from('{"a":1}').toString('base64'), Buffer.from('[1,2]').toString('base64'))
      .map((v) => build(base, 'bad X-Masked-Values', [['X-Masked-Values', v]])),
    fc.constant(build({ ...base, raw: Buffer.alloc(70_000, 0x61) }, 'a log over the limit')),
  );
}

function bulkDefect(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const base = fuzzRoutes(t).bulk;
  const line = base.lines![0]!;
  const badLine: fc.Arbitrary<[string, unknown]> = fc.oneof(
    fc.constantFrom<[string, unknown]>(
      ['an unknown op', { ...line, op: 'explode' }],
      ['no op', { ...line, op: undefined }],
      ['a bad pipeline id', { ...line, pipeline_id: 'urn:uuid:00000000-0000-4000-8000-000000000000' }],
      ['a path-like job', { ...line, job: '../../etc' }],
      ['a job with U+0000', { ...line, job: 'j\u0000' }],
      ['an over-long job', { ...line, job: 'j'.repeat(300) }],
      ['exit_code 2^31', { ...line, status: 'failed', failure_reason: 'x', exit_code: RAW('2147483648') }],
      ['exit_code 2^53+1', { ...line, status: 'failed', failure_reason: 'x', exit_code: RAW('9007199254740993') }],
      [
        'a ref with U+0000',
        {
          op: 'create_pipeline',
          project_id: t.alphaProject,
          ref: 'main\u0000',
          sha: 'abc',
          definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
        },
      ],
      ['a lone surrogate', { ...line, runner_id: 'r\uDC00' }],
      ["another project's project_id", { ...line, project_id: t.betaProject }],
      ['a missing project_id', { ...line, project_id: undefined }],
      ['a wrong type', { ...line, status: 7 }],
      ['an array', [line]],
      ['null', null],
    ),
    fc
      .constantFrom(
        '{',
        '{"op":"report"',
        'not json',
        '\uFEFF{"op":"cancel"}',
        `${json(line)}x`,
        `{"op":${'['.repeat(3000)}${']'.repeat(3000)}}`,
        '""',
      )
      .map((raw) => [`a broken line ${JSON.stringify(raw.slice(0, 20))}`, { __raw: raw }] as [string, unknown]),
  );
  const ndjson = (lines: unknown[]) =>
    Buffer.from(
      lines
        .map((l) => (l && typeof l === 'object' && '__raw' in l ? (l as { __raw: string }).__raw : json(l)))
        .join('\n') + '\n',
      'utf8',
    );
  return fc.oneof(
    fc
      .array(badLine, { minLength: 1, maxLength: 4 })
      .map((ls) =>
        build(
          { ...base, lines: undefined, raw: ndjson(ls.map(([, l]) => l)) },
          `NDJSON lines: ${ls.map(([w]) => w).join(', ')}`,
        ),
      ),
    fc
      .constantFrom('\n', '\n\n  \n', '   ', '\r\n\r\n', '')
      .map((raw) =>
        build(
          { ...base, lines: undefined, raw: Buffer.from(raw) },
          `a body of blank lines ${JSON.stringify(raw)}`,
          [],
          true,
        ),
      ),
    fc
      .constantFrom('application/json', 'application/x-www-form-urlencoded', '')
      .map((ct) => build({ ...base, contentType: ct || undefined }, `Content-Type ${ct || 'missing'}`, [], true)),
    fc
      .constantFrom<[string, string]>(['', 'no token'], [t.tokens.unknown, 'unknown token'])
      .map(([token, d]) => build({ ...base, token }, d, [], true)),
    fc.constant(
      build(
        { ...base, lines: Array.from({ length: 51 }, () => ({ ...line, op: 'explode' })) },
        'too many lines',
        [],
        true,
      ),
    ),
    fc.constant(build({ ...base, query: [['wait', '100']] }, 'unknown query parameter wait', [], true)),
    fc.constant(build(base, 'Content-Encoding gzip, body not gzip', [['Content-Encoding', 'gzip']], true)),
  );
}

/** One bad request of any route, every route about as often. */
export function badRequest(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...INGEST_JSON.map((name) => ingestJsonDefect(t, name)),
    logDefect(t),
    bulkDefect(t),
    ...QUERY_GET.map((name) => queryDefect(t, name)),
    queryDefect(t, 'feedback'),
  );
}

/** A valid read (the control): must answer 200. */
export function validQuery(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const routes = fuzzRoutes(t);
  return fc.constantFrom(...QUERY_GET).map((name) => build(routes[name], 'valid (control)'));
}

/**
 * Valid writes, one per ingest route and the feedback POST (sent before the fuzz run: the write probe must see them).
 */
export function validWrites(t: FuzzTargets): FuzzRequest[] {
  const r = fuzzRoutes(t);
  const writes = ['create', 'report', 'cancel', 'retry', 'play', 'cancelJob', 'retryPipeline', 'unschedule'] as const;
  return ([...writes, 'log', 'bulk', 'feedback'] as const).map((name) => build(r[name], 'valid (control)'));
}
