// Coordination keys: the Kafka key of ci.coordination.v1 and ci.coordination.state.v1, one per decision
// that spans pipelines. Each part is URI-encoded: a project, resource group or ref may hold '/', and
// "a/b" + "c" must not meet "a" + "b/c".
import type { CoordinationEvent } from '../events/generated.js';

export const resourceKey = (projectId: string, resourceGroup: string): string =>
  `resource/${encodeURIComponent(projectId)}/${encodeURIComponent(resourceGroup)}`;

export const refKey = (projectId: string, ref: string): string =>
  `ref/${encodeURIComponent(projectId)}/${encodeURIComponent(ref)}`;

/** The key a record belongs to, computed from its fields (the writer's `key` must equal it). */
export function coordinationKey(record: CoordinationEvent): string {
  switch (record.type) {
    case 'ResourceRequested':
    case 'ResourceReleased':
      return resourceKey(record.project_id, record.resource_group);
    case 'RefPipelineOpened':
    case 'RefPipelineClosed':
      return refKey(record.project_id, record.ref);
  }
}
