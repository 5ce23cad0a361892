// Which connection of the tokens file an import reads: the one of the system and Verity project asked for
// (or the one named by --connection), which must name one project there (not `*` or `owner/*`: the API lists
// one project's pipelines) and carry an API token. Every refusal says what to change.
import type { Connection, ConnectionSystem } from '../../lib/platform/connections/connection.js';

export function chooseConnection(
  all: readonly Connection[],
  want: { system: ConnectionSystem; project: string; name?: string | undefined },
): Connection {
  const fitting = all.filter((c) => c.system === want.system && c.project === want.project);
  let chosen: Connection | undefined;
  if (want.name !== undefined) {
    chosen = all.find((c) => c.name === want.name);
    if (!chosen) throw new Error(`no connection named "${want.name}" in the tokens file`);
    if (!fitting.includes(chosen))
      throw new Error(
        `connection "${want.name}" is ${chosen.system} for project ${chosen.project}, not ${want.system} for ${want.project}`,
      );
  } else if (fitting.length === 0) {
    throw new Error(`no ${want.system} connection for project ${want.project} in the tokens file`);
  } else if (fitting.length > 1) {
    throw new Error(
      `${fitting.length} ${want.system} connections for project ${want.project} (${fitting.map((c) => c.name).join(', ')}): ` +
        'name one with --connection',
    );
  } else chosen = fitting[0]!;
  const project = chosen.externalProject.trim();
  if (project === '*' || project.endsWith('/*'))
    throw new Error(
      `connection "${chosen.name}" stands for every project (${project}): an import needs one; ` +
        'add a connection that names it (external_project)',
    );
  if (chosen.apiToken === null) throw new Error(`connection "${chosen.name}" has no api_token: the API cannot be read`);
  return chosen;
}
