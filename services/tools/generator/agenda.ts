// A min-heap by (time, seq): the agenda of a pipeline's simulation (pipeline-sim.ts) and the merge of many
// pipelines' ops (op-stream.ts). Ties in time go by seq — insertion order unless the caller gives one — so
// the order is deterministic.

export class Agenda<T> {
  private items: { t: number; seq: number; v: T }[] = [];
  private seq = 0;

  push(t: number, v: T, seq = this.seq++): void {
    const a = this.items;
    a.push({ t, seq, v });
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): { t: number; v: T } | undefined {
    const a = this.items;
    const top = a[0];
    const end = a.pop();
    if (a.length > 0 && end) {
      a[0] = end;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (rr < a.length && this.less(a[rr]!, a[m]!)) m = rr;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(x: { t: number; seq: number }, y: { t: number; seq: number }): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}
