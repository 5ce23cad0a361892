// The Pipeline page (docs/DASHBOARD.md) — to be built.
export default function Page({ id }: { id: string }) {
  return (
    <section>
      <h1>Pipeline</h1>
      <p>{id}</p>
    </section>
  );
}
