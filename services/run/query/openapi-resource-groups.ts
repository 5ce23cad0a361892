// Response schema of the query API's OpenAPI document for a resource group's queue (the job holding its
// resource, the jobs waiting for it): closed objects checked against resource-groups.ts at compile time.
import { ref, status, str, strOrNull, time, timeOrNull, uuid, type Props } from './openapi-primitives.js';
import type { holderJson, resourceGroupJson, waitingJson } from './resource-groups.js';

export const holderProps = {
  job_id: { ...uuid, description: 'The job attempt holding the resource' },
  name: str,
  pipeline_id: uuid,
  status: { ...status, description: 'pending, preparing, running or canceling' },
  since: { ...timeOrNull, description: 'When it got the resource (enqueued)' },
} satisfies Props<ReturnType<typeof holderJson>>;

export const waitingProps = {
  job_id: { ...uuid, description: 'A job attempt waiting for the resource (waiting_for_resource)' },
  name: str,
  pipeline_id: uuid,
  since: { ...time, description: 'When it began waiting' },
} satisfies Props<ReturnType<typeof waitingJson>>;

export const resourceGroupProps = {
  project_id: str,
  resource_group: str,
  holder: {
    oneOf: [ref('ResourceGroupHolder'), { type: 'null' }],
    description: 'The job holding the resource; null when it is free (as far as the read model knows)',
  },
  waiting: {
    type: 'array',
    items: ref('ResourceGroupWaiter'),
    description:
      "Jobs waiting for the resource, longest waiting first (ties by job id); the coordinator grants it in this order with process_mode unordered, by the pipelines' age with oldest_first / newest_first",
  },
  next_cursor: {
    ...strOrNull,
    description: 'Pass as ?cursor= for the next page of waiting jobs; null on the last page',
  },
} satisfies Props<ReturnType<typeof resourceGroupJson>>;
