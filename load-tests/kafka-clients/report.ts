// The result of compare.ts: one row per measurement (medians of the rounds and every round's value, per
// client, and @platformatic/kafka ÷ kafkajs), and its Markdown table.

/** One client's figures for one measurement: per-round values (null: the round failed) and their median. */
export interface Side {
  median: number | null;
  rounds: (number | null)[];
}

export interface Measurement {
  id: string;
  label: string;
  unit: string;
  /** Which way is better: rates higher, times lower. */
  better: 'higher' | 'lower';
  kafkajs: Side;
  platformatic: Side;
  /** @platformatic/kafka's median ÷ kafkajs' (for a time, above 1 means slower). */
  ratio: number | null;
}

interface Shape {
  batch: number;
  callers: number;
  sizes: number[];
  txnRecords: (size: number) => number;
}

const empty = (): Side => ({ median: null, rounds: [] });

/** The measurements in table order, from values keyed `<id>|<client name>`. */
export function measurementRows(values: Map<string, Side>, s: Shape): Measurement[] {
  const rows: Omit<Measurement, 'kafkajs' | 'platformatic' | 'ratio'>[] = [
    {
      id: 'produce_batch',
      label: `produce, batches of ${s.batch}, acks all, idempotent`,
      unit: 'records/s',
      better: 'higher',
    },
    {
      id: 'produce_single',
      label: `produce, 1 message per call, ${s.callers} concurrent callers, one idempotent producer`,
      unit: 'msgs/s',
      better: 'higher',
    },
    {
      id: 'produce_single_plain',
      label: `the same, producer not idempotent (acks all)`,
      unit: 'msgs/s',
      better: 'higher',
    },
    { id: 'consume', label: 'consume from the beginning to the end, fresh group', unit: 'records/s', better: 'higher' },
  ];
  for (const size of s.sizes) {
    const what = `transactions of ${size} record${size === 1 ? '' : 's'} (${s.txnRecords(size) / size} back to back)`;
    rows.push({ id: `txn_${size}_ms`, label: `${what}: ms per transaction`, unit: 'ms', better: 'lower' });
    rows.push({ id: `txn_${size}_rate`, label: `${what}: records/s`, unit: 'records/s', better: 'higher' });
    rows.push({
      id: `txn_${size}_retries`,
      label: `${what}: retries per transaction`,
      unit: 'retries',
      better: 'lower',
    });
  }
  return rows.map((r) => {
    const kafkajs = values.get(`${r.id}|kafkajs`) ?? empty();
    const platformatic = values.get(`${r.id}|@platformatic/kafka`) ?? empty();
    const ratio =
      kafkajs.median !== null && platformatic.median !== null && kafkajs.median !== 0
        ? Math.round((platformatic.median / kafkajs.median) * 100) / 100
        : null;
    return { ...r, kafkajs, platformatic, ratio };
  });
}

const cell = (m: Measurement, side: Side) => {
  if (side.median === null) return side.rounds.length ? 'failed' : '—';
  const digits = m.unit === 'ms' ? 1 : m.unit === 'retries' ? 2 : 0;
  const failed = side.rounds.filter((v) => v === null).length;
  const text = side.median.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${text}${failed ? ` (${failed} of ${side.rounds.length} rounds failed)` : ''}`;
};

/** The Markdown of a compare.ts result JSON. */
export function markdown(j: {
  machine: string;
  command: string;
  records: number;
  singles: number;
  rounds_run: number;
  partitions: number;
  value_bytes_mean: number;
  gap_ms: number;
  seconds: number;
  measurements: Measurement[];
  errors: string[];
}): string {
  const rates = j.measurements.filter((m) => m.unit !== 'retries' && m.unit !== 'ms');
  const wins = rates.filter((m) => m.ratio !== null && m.ratio >= 1.5).map((m) => m.id);
  return [
    `kafkajs 2.2.4 and @platformatic/kafka 1.35.0 on the same broker, same run: medians of ${j.rounds_run} rounds, the clients' order alternating per round. ${j.records} records of ${j.value_bytes_mean} bytes (JSON, 64 keys), ${j.partitions} partitions; ${j.singles} single sends; transactions paced ${j.gap_ms} ms apart. Ratio: @platformatic/kafka ÷ kafkajs (for ms and retries, above 1 is worse). Retries: CONCURRENT_TRANSACTIONS refusals each client retried (@platformatic/kafka's retries of any cause, by operation, are in the JSON).`,
    '',
    '| measurement | kafkajs | @platformatic/kafka | ratio (platformatic ÷ kafkajs) |',
    '| --- | ---: | ---: | ---: |',
    ...j.measurements.map(
      (m) =>
        `| ${m.label} (${m.unit}) | ${cell(m, m.kafkajs)} | ${cell(m, m.platformatic)} | ${m.ratio === null ? '—' : m.ratio.toFixed(2)} |`,
    ),
    '',
    `≥ 1.5× kafkajs: ${wins.length ? wins.join(', ') : 'no rate'} (of ${rates.length} rates).`,
    ...(j.errors.length ? ['', `Errors (${j.errors.length}):`, '', ...j.errors.map((e) => `- ${e}`)] : []),
    '',
    `Machine: ${j.machine}. Whole run ${j.seconds} s.`,
    '',
    `Command: \`${j.command}\` (needs the broker, \`make up\`).`,
    '',
  ].join('\n');
}

/** An error with its causes and aggregated errors (@platformatic/kafka nests the broker's in MultipleErrors), once each. */
export function describe(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 4) return String(err);
  const e = err as Error & { errors?: unknown[]; apiId?: string; serverErrorMessage?: string };
  const own = [e.message, e.apiId, e.serverErrorMessage].filter(Boolean).join(' ');
  const inner = [...new Set([...(e.errors ?? []), ...(e.cause ? [e.cause] : [])].map((x) => describe(x, depth + 1)))];
  return inner.length ? `${own} [${inner.join('; ')}]` : own;
}
