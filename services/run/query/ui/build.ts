// The dashboard's build (docs/DASHBOARD.md): esbuild bundles ui/app (Preact, TypeScript, one CSS file) into
// fingerprinted files (main.<hash>.js, main.<hash>.css, and a chunk per lazily loaded page: chunk.<hash>.js)
// and a manifest under .data/ui (git-ignored). Every stylesheet is imported by main.tsx, so there is one CSS
// file; the pages' heavy libraries (graph layout, charts, the log viewer) load with their page. No CDN:
// everything the page loads comes from the query service. `npm run build:ui` builds; the query service
// builds at start when the manifest is missing or was built from other sources (ensureUi).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';

export const UI_SOURCE = join(REPO_ROOT, 'services/run/query/ui/app');
export const UI_OUT = join(REPO_ROOT, '.data/ui');

export interface UiManifest {
  /** The fingerprinted files, by role, as served under /assets/. */
  js: string;
  css: string;
  /** Every file of the build (the entry, its CSS and the chunks): what /assets/ serves. */
  assets: string[];
  /** SHA-256 of the sources and the lock file it was built from. */
  source: string;
  /** Bytes of the first page's JavaScript (the entry and the chunks it imports statically), raw and gzipped. */
  jsBytes: number;
  jsGzipBytes: number;
  /** Bytes of all the JavaScript, every page's chunks included, gzipped file by file. */
  allJsGzipBytes: number;
}

function sourceHash(): string {
  const h = createHash('sha256');
  const files = readdirSync(UI_SOURCE, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(tsx?|css)$/.test(f));
  for (const f of files.sort()) h.update(f).update(readFileSync(join(UI_SOURCE, f)));
  h.update(readFileSync(join(REPO_ROOT, 'package-lock.json')));
  return h.digest('hex');
}

export function readManifest(out = UI_OUT): UiManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as UiManifest;
  } catch {
    return undefined;
  }
}

/** Builds into `out`: the files first, the manifest last (renamed into place), so a reader never sees half a build. */
export async function buildUi(out = UI_OUT): Promise<UiManifest> {
  const esbuild = await import('esbuild');
  const source = sourceHash();
  const tmp = join(out, `.build-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      entryPoints: [join(UI_SOURCE, 'main.tsx')],
      bundle: true,
      minify: true,
      format: 'esm',
      target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      entryNames: '[name].[hash]',
      chunkNames: 'chunk.[hash]',
      splitting: true,
      outdir: tmp,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      tsconfig: join(UI_SOURCE, '../tsconfig.json'),
    });
    const meta = result.metafile.outputs;
    const outputs = Object.keys(meta).map((p) => basename(p));
    // Lazily imported pages are entry points too (chunk.*): the app's entry is main.tsx's output.
    const entry = Object.keys(meta).find((p) => meta[p]!.entryPoint?.endsWith('app/main.tsx') && p.endsWith('.js'));
    const css = outputs.filter((f) => f.endsWith('.css'));
    if (!entry || css.length !== 1)
      throw new Error(
        `the UI build wrote ${outputs.join(', ')}: expected one entry and one .css (import CSS from main.tsx)`,
      );
    for (const f of outputs) renameSync(join(tmp, f), join(out, f));
    // The first page loads the entry and what it imports statically, transitively.
    const first = new Set<string>();
    const visit = (p: string) => {
      if (first.has(p)) return;
      first.add(p);
      for (const i of meta[p]!.imports) if (i.kind === 'import-statement') visit(i.path);
    };
    visit(entry);
    const gz = (p: string) => gzipSync(readFileSync(join(out, basename(p))), { level: 9 }).length;
    const js = Object.keys(meta).filter((p) => p.endsWith('.js'));
    const manifest: UiManifest = {
      js: basename(entry),
      css: css[0]!,
      assets: outputs.filter((f) => !f.endsWith('.map')),
      source,
      jsBytes: [...first].reduce((n, p) => n + meta[p]!.bytes, 0),
      jsGzipBytes: [...first].reduce((n, p) => n + gz(p), 0),
      allJsGzipBytes: js.reduce((n, p) => n + gz(p), 0),
    };
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(tmp, 'manifest.json'), join(out, 'manifest.json'));
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The manifest of a build of today's sources: the existing one, or a new build. */
export async function ensureUi(out = UI_OUT): Promise<UiManifest> {
  const m = readManifest(out);
  if (m?.assets && m.source === sourceHash() && m.assets.every((f) => existsSync(join(out, f)))) return m;
  return buildUi(out);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const m = await ensureUi();
  console.log(
    `dashboard: ${UI_OUT}/${m.js}: first page ${m.jsBytes} bytes, ${m.jsGzipBytes} gzipped (budget 256000); ` +
      `all pages ${m.allJsGzipBytes} gzipped in ${m.assets.filter((f) => f.endsWith('.js')).length} files; ${m.css}`,
  );
}
