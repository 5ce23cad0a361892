// Consumer lag on the operations page: one collapsible block per group (open when it is behind or stalled, or
// when the reader opened it), a table of its partitions with position, end, lag and state.
import { useState } from 'preact/hooks';
import type { ConsumerGroup, Consumers, PartitionLag } from './api.js';
import { count, groupState, partitionState, plural, STATE_TEXT, type PartitionState } from './format.js';

export function StateBadge({ state }: { state: PartitionState }) {
  const { icon, label } = STATE_TEXT[state];
  return (
    <span class={`ops-state ops-state-${state}`} data-state={state}>
      <span aria-hidden="true">{icon}</span> {label}
    </span>
  );
}

function PartitionRow({ p }: { p: PartitionLag }) {
  return (
    <tr data-topic={p.topic} data-partition={p.partition} data-state={partitionState(p)}>
      <td>
        <code>{p.topic}</code>
      </td>
      <td class="num">{p.partition}</td>
      <td class="num">{p.position === null ? '—' : count(p.position)}</td>
      <td class="num">{count(p.end)}</td>
      <td class="num">{p.lag === null ? '—' : count(p.lag)}</td>
      <td>
        <StateBadge state={partitionState(p)} />
      </td>
    </tr>
  );
}

function Group({ g, open, onToggle }: { g: ConsumerGroup; open: boolean; onToggle: (open: boolean) => void }) {
  const where =
    g.positions_in === 'postgres' ? `checkpoints of ${g.projection ?? '?'} in Postgres` : 'committed offsets';
  return (
    <details
      class="ops-group"
      data-group={g.group}
      open={open}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <StateBadge state={groupState(g)} /> <code class="ops-group-name">{g.group}</code>{' '}
        <span class="muted">
          {g.state}, {plural(g.members, 'member')} · lag {count(g.lag)}
          {g.stalled > 0 ? ` · ${plural(g.stalled, 'stalled partition')}` : ''} ·{' '}
          {plural(g.partitions.length, 'partition')} · {where}
        </span>
      </summary>
      {g.partitions.length === 0 ? (
        <p class="empty">
          No committed position: the group has not handled a record since it began (a new group of the remediator starts
          at the end of its topic), or it keeps no position at all (the timer reads its compacted topic from the start
          every time). Its lag cannot be read from the broker.
        </p>
      ) : (
        <table class="ops-table">
          <caption class="visually-hidden">Partitions of {g.group}</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Partition</th>
              <th scope="col">Position</th>
              <th scope="col">End</th>
              <th scope="col">Lag</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {g.partitions.map((p) => (
              <PartitionRow key={`${p.topic}[${p.partition}]`} p={p} />
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

export function ConsumersSection({ data }: { data: Consumers | undefined }) {
  // What the reader opened or closed, by group; the others open by themselves when behind or stalled.
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const groups = data?.groups ?? [];
  const stalled = groups.reduce((n, g) => n + g.stalled, 0);
  const lag = groups.reduce((n, g) => n + g.lag, 0);
  return (
    <section class="ops-section" aria-labelledby="ops-consumers">
      <h2 id="ops-consumers">Consumer lag</h2>
      {data === undefined ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <p class="ops-summary" data-stalled={stalled}>
            {plural(groups.length, 'group')} · total lag {count(lag)} ·{' '}
            {stalled > 0 ? <StateBadge state="stalled" /> : null} {plural(stalled, 'stalled partition')}
            <span class="muted"> (behind and not moving for {Math.round(data.stall_ms / 1000)} s)</span>
          </p>
          {data.truncated ? <p class="muted">Only the first 100 groups are shown.</p> : null}
          {groups.map((g) => (
            <Group
              key={g.group}
              g={g}
              open={toggled[g.group] ?? (g.lag > 0 || g.stalled > 0)}
              onToggle={(open) => {
                if (open !== (toggled[g.group] ?? (g.lag > 0 || g.stalled > 0)))
                  setToggled((t) => ({ ...t, [g.group]: open }));
              }}
            />
          ))}
        </>
      )}
    </section>
  );
}
