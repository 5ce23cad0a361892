// The AI scoreboard page (docs/DASHBOARD.md) — to be built.
export default function Page() {
  return (
    <section>
      <h1>AI scoreboard</h1>
    </section>
  );
}
