// The CLI's public entry for other tools: only what they need of it (the supervisor's variables, for the
// configuration reference). Nothing else of services/tools/cli is imported from outside it.
export { supervisorConfigSpec } from './supervisor/config-spec.js';
