// `npm run docs:config`: writes docs/CONFIGURATION.md from the configuration specs.
import { writeFileSync } from 'node:fs';
import { CONFIG_DOC_PATH, configDoc } from './config-doc.js';

writeFileSync(CONFIG_DOC_PATH, configDoc());
console.log(`wrote ${CONFIG_DOC_PATH}`);
