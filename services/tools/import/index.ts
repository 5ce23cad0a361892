// The import tool's public entry, for the CLI (`verity import`): nothing else of services/tools/import is
// imported from outside it.
export { chooseConnection } from './choose-connection.js';
export { parseSince } from './fields.js';
export { stateFile } from './import-state.js';
export { runImport, type ImportOptions, type ImportReport } from './importer.js';
