// Which of two pipelines is older: by creation time, then by pipeline id (a tie on the time is rare but must
// not depend on arrival). Negative: the first is older.
export function comparePipelineAge(aCreatedAt: string, aId: string, bCreatedAt: string, bId: string): number {
  const byTime = Date.parse(aCreatedAt) - Date.parse(bCreatedAt);
  if (byTime !== 0) return byTime;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}
