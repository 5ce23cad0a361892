// The operations routes' parameters and the redrive's body, as JSON Schemas: Ajv validates requests with them
// (400 + JSON pointers) and openapi-operations.ts publishes the same objects.
import { tightenSchema } from '../../lib/platform/schemas/safety.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { ObjectSchema, RouteParams } from './params.js';
import { deadLetterSources } from './operations-kafka.js';

const object = (properties: ObjectSchema['properties'], required: string[] = []): ObjectSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

/** Newest dead letters listed per topic when ?limit is absent, and at most. */
export const DEAD_LETTERS_DEFAULT = 20;
export const DEAD_LETTERS_MAX = 50;

export function operationsParams() {
  return tightenSchema({
    consumers: { query: object({}) },
    deadLetters: {
      query: object({
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: DEAD_LETTERS_MAX,
          default: DEAD_LETTERS_DEFAULT,
          description: 'Newest dead letters listed per topic (and of the projections)',
        },
      }),
    },
    redrive: {
      path: object(
        {
          topic: {
            type: 'string',
            enum: deadLetterSources(),
            description: `A topic whose dead letters (\`<topic>.dlq\`) to re-publish to it; ${TOPICS.pipelineEvents} is refused (409)`,
          },
        },
        ['topic'],
      ),
      query: object({}),
    },
    readModels: { query: object({}) },
  } satisfies Record<string, RouteParams>);
}

/** The redrive's body: an empty JSON object (the route takes nothing but what the path names). */
export const REDRIVE_BODY = object({});
