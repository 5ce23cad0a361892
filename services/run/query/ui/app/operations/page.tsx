// The Operations page (docs/DASHBOARD.md) — to be built.
export default function Page() {
  return (
    <section>
      <h1>Operations</h1>
    </section>
  );
}
