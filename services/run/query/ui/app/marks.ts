// User-timing marks the pages set for the benchmarks (load-tests/bench/dashboard.ts reads them).

/** The frame after the pipelines list first rendered rows: the list's first paint with data. */
export const FIRST_ROWS_MARK = 'verity:pipelines-first-rows';
