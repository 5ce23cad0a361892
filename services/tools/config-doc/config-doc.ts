// docs/CONFIGURATION.md: every environment variable, rendered from the specs the config loaders read, so
// the reference cannot drift from the code. `npm run docs:config` writes it (main.ts); config-doc.test.ts
// fails when the committed file differs.
import { join } from 'node:path';
import { renderConfigDoc } from './render.js';
import { REPO_ROOT } from '../../lib/platform/schemas/catalog.js';
import { SECTIONS } from './sections.js';

export const CONFIG_DOC_PATH = join(REPO_ROOT, 'docs/CONFIGURATION.md');

const HEADER = `This file is generated from the configuration specs by services/tools/config-doc/main.ts: do not
edit it by hand. Regenerate it with \`npm run docs:config\` after changing a variable
(services/tools/config-doc/config-doc.test.ts fails while it is out of date).

# Configuration

Every setting is an environment variable, read once at start. An unset or empty variable takes its
default. A value that does not parse or is out of bounds stops the service at start, naming the
variable: \`INGEST_PORT must be an integer in [0, 65535], got "70000"\`. Each service declares its
variables in its \`config.ts\`; \`services/lib/platform/config/env-spec.ts\` says how each kind is read.`;

/** The text of docs/CONFIGURATION.md. */
export function configDoc(): string {
  return renderConfigDoc(HEADER, SECTIONS);
}
