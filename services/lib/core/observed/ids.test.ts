import { expect } from 'chai';
import { normaliseInstance, observedId } from './ids.js';

describe('observed ids (UUIDv5 of instance, kind, external id)', () => {
  it('are the same for every delivery and every spelling of the instance URL', () => {
    const a = observedId('https://GitLab.example.com/', 'pipeline', 42);
    expect(observedId('https://gitlab.example.com', 'pipeline', '42')).to.equal(a);
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differ across instances and kinds for the same external id', () => {
    const ids = new Set([
      observedId('https://gitlab.com', 'pipeline', 42),
      observedId('https://gitlab.example.com', 'pipeline', 42),
      observedId('https://gitlab.com', 'job', 42),
      observedId('https://github.com', 'pipeline', 42),
    ]);
    expect(ids.size).to.equal(4);
  });

  it('keeps a path prefix of the instance (GitLab under a relative URL)', () => {
    expect(normaliseInstance('https://example.com/gitlab/')).to.equal('https://example.com/gitlab');
    expect(observedId('https://example.com/gitlab', 'job', 1)).to.not.equal(
      observedId('https://example.com', 'job', 1),
    );
  });

  it('an instance URL is its scheme, host and path, lower-case, without trailing slashes or query', () => {
    const cases: [string, string][] = [
      ['https://GitLab.example.com/', 'https://gitlab.example.com'],
      ['  https://GitLab.example.com  ', 'https://gitlab.example.com'],
      ['https://example.com/gitlab//?', 'https://example.com/gitlab'],
      ['https://example.com/GitLab//#top', 'https://example.com/gitlab'],
    ];
    for (const [instance, expected] of cases) expect(normaliseInstance(instance), instance).to.equal(expected);
  });

  it('an instance that is not a URL is kept trimmed, lower-case, without trailing slashes', () => {
    const cases: [string, string][] = [
      [' GitLab.Example.com/ ', 'gitlab.example.com'],
      ['gitlab.example.com/ci/', 'gitlab.example.com/ci'],
      ['gitlab.example.com//', 'gitlab.example.com'],
    ];
    for (const [instance, expected] of cases) expect(normaliseInstance(instance), instance).to.equal(expected);
  });
});
