// The Project health page (docs/DASHBOARD.md) — to be built.
export default function Page({ project }: { project: string }) {
  return (
    <section>
      <h1>Project health</h1>
      <p>{project}</p>
    </section>
  );
}
