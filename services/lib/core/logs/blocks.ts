// Blocks of a CI log: the runs of lines that belong to one message, as far as layout tells. A failing
// test's report or a stack trace runs on from its first line until the next boundary: a banner
// (`=== warnings summary ===`, `----------`), a success line (`PASS x`, `--- PASS:`), the next command
// (`$ make test`), a CI system's section marker, or two blank lines. Pure.

import { isSuccessLine } from './markers.js';

// A line of one repeated character (`==========`), or text framed by runs of it (`=== FAILURES ===`).
// Underscores are not banners: pytest frames each failing test of a section with them.
const BANNER = /^\s*(?:([=*#~-])\1{9,}|([=*#~-])\2{2,} .*[=*#~-]{3,})\s*$/;
// An echoed command, and the section markers of Travis CI, GitLab CI, GitHub Actions and Azure Pipelines.
const COMMAND = /^\s*\$ \S|^(?:travis_fold:|travis_time:|section_(?:start|end):|##\[(?:end)?group\]|::(?:end)?group::)/;

/** Lines at the start of a message in which a boundary does not end it (`FAIL x` + banner + diff). */
const LEAD = 2;

/** Banners are short; longer lines are not tested against BANNER (which would backtrack on them). */
const MAX_BANNER = 400;

export function isBoundary(lines: readonly string[], i: number): boolean {
  const line = lines[i];
  if (line === undefined) return true;
  if (line.trim() === '') return (lines[i + 1] ?? '').trim() === '';
  return (line.length <= MAX_BANNER && BANNER.test(line)) || COMMAND.test(line) || isSuccessLine(line);
}

/** Block boundaries of one log, each line judged once however many blocks are looked up. */
export class Blocks {
  private readonly kind: Uint8Array; // 0 not judged yet, 1 boundary, 2 neither

  constructor(private readonly lines: readonly string[]) {
    this.kind = new Uint8Array(lines.length);
  }

  private judge(i: number): number {
    let k = this.kind[i]!;
    if (k === 0) {
      k = isBoundary(this.lines, i) ? 1 : 2;
      this.kind[i] = k;
    }
    return k;
  }

  /** 0-based index of the last line of the block that line `from` (0-based) starts, at most `maxLines` long. */
  end(from: number, maxLines: number): number {
    const last = Math.min(this.lines.length - 1, from + maxLines - 1);
    for (let i = from + 1 + LEAD; i <= last; i++) if (this.judge(i) === 1) return i - 1;
    return last;
  }
}
