// The dashboard's build (docs/DASHBOARD.md): esbuild bundles ui/app (Preact, TypeScript, one CSS file) into
// fingerprinted files (main.<hash>.js, main.<hash>.css) and a manifest under .data/ui (git-ignored). No CDN:
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
  /** SHA-256 of the sources and the lock file it was built from. */
  source: string;
  /** Bytes of the JavaScript, raw and gzipped (the first page's whole script). */
  jsBytes: number;
  jsGzipBytes: number;
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(UI_SOURCE).sort()) h.update(f).update(readFileSync(join(UI_SOURCE, f)));
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
      outdir: tmp,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      tsconfig: join(UI_SOURCE, '../tsconfig.json'),
    });
    const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
    const js = outputs.find((f) => f.endsWith('.js'));
    const css = outputs.find((f) => f.endsWith('.css'));
    if (!js || !css) throw new Error(`the UI build wrote ${outputs.join(', ')}: expected one .js and one .css`);
    for (const f of outputs) renameSync(join(tmp, f), join(out, f));
    const code = readFileSync(join(out, js));
    const manifest: UiManifest = {
      js,
      css,
      source,
      jsBytes: code.length,
      jsGzipBytes: gzipSync(code, { level: 9 }).length,
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
  if (m && m.source === sourceHash() && existsSync(join(out, m.js)) && existsSync(join(out, m.css))) return m;
  return buildUi(out);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const m = await ensureUi();
  console.log(`dashboard: ${UI_OUT}/${m.js} (${m.jsBytes} bytes, ${m.jsGzipBytes} gzipped; budget 256000), ${m.css}`);
}
