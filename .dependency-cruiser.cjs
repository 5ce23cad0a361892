// The dependency rule of the layout (docs/ARCHITECTURE.md, "Layout"), checked by `npm run lint:deps` in
// .ci/run: libraries never reach up, a deployable never imports another, tools use the public entry
// (index.ts) of what they drive, and no module is part of an import cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'services/lib/core is the functional core: it imports nothing of ours but itself (and schema JSON).',
      severity: 'error',
      from: { path: '^services/lib/core/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(services|test|load-tests)/', pathNot: '^services/lib/core/' },
    },
    {
      name: 'lib-never-imports-run-or-tools',
      comment: 'Libraries (services/lib) are used by deployables and tools, never the other way round.',
      severity: 'error',
      from: { path: '^services/lib/' },
      to: { path: '^services/(run|tools)/' },
    },
    {
      name: 'run-never-imports-another-run',
      comment: 'A deployable (services/run/<x>) stands alone: shared code goes to services/lib.',
      severity: 'error',
      from: { path: '^services/run/([^/]+)/' },
      to: { path: '^services/(run|tools)/', pathNot: '^services/run/$1/' },
    },
    {
      name: 'tools-use-public-entries',
      comment: 'Tools and benchmarks drive a deployable or another tool only through its index.ts.',
      severity: 'error',
      from: { path: '^(services/tools/[^/]+|load-tests)/' },
      to: { path: '^services/(run|tools)/[^/]+/(?!index\\.ts$)', pathNot: '^$1/' },
    },
    {
      name: 'ui-is-a-front-end',
      comment:
        'The dashboard (services/run/query/ui/app) runs in the browser: it imports only itself, npm packages and the pure lists of the functional core it shows (job statuses, pipeline systems), never server code.',
      severity: 'error',
      from: { path: '^services/run/query/ui/app/' },
      to: {
        path: '^(services|test|load-tests)/',
        pathNot:
          '^(services/run/query/ui/app/|services/lib/core/pipeline/status\\.ts$|services/lib/core/observed/systems\\.ts$|services/lib/core/events/generated\\.ts$)',
      },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'Only tests import test/ (benchmarks may read its fixtures).',
      severity: 'error',
      from: { path: '^(services|load-tests)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/', pathNot: '^test/fixtures/' },
    },
    {
      name: 'no-circular',
      comment: 'An import cycle means two files are one concept or share a third.',
      severity: 'error',
      from: { path: '^(services|load-tests)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
