// The Job page (docs/DASHBOARD.md) — to be built.
export default function Page({ id }: { id: string }) {
  return (
    <section>
      <h1>Job</h1>
      <p>{id}</p>
    </section>
  );
}
