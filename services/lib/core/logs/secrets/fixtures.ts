// Test fixtures of the secrets rules (left out of mutation testing, as every fixtures.ts).
import { keyStrength } from './keys.js';

let unseen = 0;

/**
 * keyStrength remembers each name's answer for the life of the process (at most 4,096 names, then it starts
 * over): push 4,096 names it has never seen through it, so that the next answer is worked out while the test
 * runs, not recalled from an earlier call — mocha's runner, and Stryker's, keep one process across tests.
 * The names are unique across every test file of the process.
 */
export function forgetKeyStrengths(): void {
  for (let i = 0; i < 4096; i++) keyStrength(`fixture-unseen-key-${unseen++}`);
}
