// The AI scoreboard page's read: GET /v1/remediations/scoreboard (docs/API.md) with the session cookie. (.tsx like
// every module of the page that imports ../api.tsx: the root tsconfig checks .ts files without JSX or DOM.)
import { getJson } from '../api.js';
import { queryOf, type Scoreboard, type ViewState } from './format.js';

export type { Scoreboard, ScoreboardRow, Share } from './format.js';

export function getScoreboard(state: ViewState): Promise<Scoreboard> {
  return getJson<Scoreboard>(`/v1/remediations/scoreboard${queryOf(state, true)}`);
}
