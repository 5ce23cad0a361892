// The config-doc tool's public entry: docs/CONFIGURATION.md, rendered from the services' configuration specs.
export { CONFIG_DOC_PATH, configDoc } from './config-doc.js';
