import { expect } from 'chai';
import { pipelineSource } from './source-mapping.js';

describe('observed pipeline source (what started it, in GitLab terms)', () => {
  const cases: [system: 'gitlab' | 'github' | 'cdevents', raw: string | null, expected: string][] = [
    ['gitlab', 'push', 'push'],
    ['gitlab', 'merge_request_event', 'merge_request_event'],
    ['gitlab', 'security_orchestration_policy', 'unknown'],
    ['gitlab', 'pull_request', 'unknown'],
    ['github', 'push', 'push'],
    ['github', 'pull_request', 'merge_request_event'],
    ['github', 'workflow_dispatch', 'web'],
    ['github', 'workflow_run', 'pipeline'],
    ['github', 'merge_request_event', 'unknown'],
    ['github', 'constructor', 'unknown'],
    ['cdevents', 'push', 'external'],
    ['cdevents', 'anything', 'external'],
    ['gitlab', null, 'unknown'],
    ['github', null, 'unknown'],
    ['cdevents', null, 'unknown'],
  ];
  for (const [system, raw, expected] of cases)
    it(`${system} ${String(raw)} → ${expected}`, () => expect(pipelineSource(system, raw)).to.equal(expected));
});
