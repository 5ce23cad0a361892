// The one log line the heuristic quotes in its root cause: which line of the best evidence range it is
// (the reading order of heuristic.ts), and how it is written (trimmed, spaces collapsed, cut at 300).
import { expect } from 'chai';
import { proposeHeuristic } from './heuristic.js';
import type { HistoryEntry, RemediationContext } from './proposal.js';
import { contextOf, logOf } from './fixtures.js';

/** The same job failed, then passed on a retry of another commit: the answer is flaky, quoting the best range. */
const retried: HistoryEntry[] = [2, 1].map((attempt) => ({
  job_id: `j${attempt}`,
  pipeline_id: 'p1',
  sha: 'b0b0000000000000000000000000000000000000',
  attempt,
  status: attempt === 2 ? 'success' : 'failed',
  failure_reason: attempt === 2 ? null : 'script_failure',
  finished_at: null,
}));

/** The log line quoted in the root cause (`… Log: "…"`), or undefined when there is none. */
function quoteOf(ctx: RemediationContext): string | undefined {
  const m = /\. Log: (".*")$/s.exec(proposeHeuristic(ctx).root_cause);
  return m === null ? undefined : (JSON.parse(m[1]!) as string);
}

describe('heuristic: the log line quoted', () => {
  describe('how it is written', () => {
    it('trims the line and collapses each run of spaces and tabs to one space', () => {
      const body = proposeHeuristic(contextOf(logOf('  bash:\t yarn:   command not found  ')));
      expect(body.category).to.equal('configuration');
      expect(body.root_cause).to.equal(
        `The job's configuration or environment is wrong. Log: "bash: yarn: command not found"`,
      );
    });

    it('quotes a line of exactly 300 characters whole', () => {
      const line = `src/a.c:1:1: error: ${'x'.repeat(280)}`;
      expect(line).to.have.length(300);
      expect(quoteOf(contextOf(logOf(line)))).to.equal(line);
    });

    it('cuts a line of 301 characters to its first 299 and an ellipsis', () => {
      const line = `src/a.c:1:1: error: ${'x'.repeat(281)}`;
      const quote = quoteOf(contextOf(logOf(line)));
      expect(quote).to.equal(`${line.slice(0, 299)}…`);
      expect(quote).to.have.length(300);
    });
  });

  describe('which line of the best range it is', () => {
    // docker build (BuildKit): the error is npm's; the two `exit code: 1` lines only say the step ended.
    const dockerBuild = [
      '$ docker build -t app .',
      '#8 [4/5] RUN npm ci',
      '#8 2.345 npm ERR! code E404',
      '#8 2.346 npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found',
      '#8 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
      '------',
      'ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
      'The command "docker build -t app ." exited with 1.',
    ];

    it('never quotes a line that only reports an exit code, even the key line; the first of equally strong errors instead', () =>
      expect(quoteOf(contextOf(dockerBuild, { history: retried }))).to.equal('#8 2.345 npm ERR! code E404'));

    it('quotes the strongest line, not the weaker ones above it (the echoed command, a warning)', () => {
      const build = [
        '$ ./build.sh',
        'Building app v1.2.0',
        'warning: the legacy option is deprecated',
        'Error: cannot read config/app.yml',
        'Error: cannot read config/db.yml',
        'The command "./build.sh" exited with 1.',
      ];
      expect(quoteOf(contextOf(build, { history: retried }))).to.equal('Error: cannot read config/app.yml');
    });

    it('skips tool boilerplate (npm’s ELIFECYCLE report) for the command’s own error above it', () => {
      const npmTest = [
        '$ npm test',
        '',
        '> app@1.0.0 test /home/travis/build/a/app',
        '> mocha',
        '',
        'sh: 1: mocha: not found',
        'npm ERR! code ELIFECYCLE',
        'npm ERR! errno 127',
        'npm ERR! app@1.0.0 test: `mocha`',
        'npm ERR! Exit status 127',
        'npm ERR! Failed at the app@1.0.0 test script.',
        'The command "npm test" exited with 127.',
      ];
      expect(quoteOf(contextOf(npmTest, { history: retried }))).to.equal('sh: 1: mocha: not found');
    });

    it('skips the reports of passing tests (✓ …), though they mention words of failure', () => {
      const mocha = [
        '$ npm test',
        '',
        '  api',
        '    ✓ rejects an invalid token',
        '    ✓ returns 404 for a missing user',
        '',
        'the widget went sideways',
        'The command "npm test" exited with 1.',
      ];
      expect(quoteOf(contextOf(mocha, { history: retried }))).to.equal('the widget went sideways');
    });

    it('reads the best range to its last line: an error on the log’s last line is quoted', () => {
      // A GitLab log cut at the error (no exit line).
      const log = [
        'Running with gitlab-runner 16.0.0',
        '$ npm ci',
        'added 300 packages in 9s',
        '$ npm run build',
        '',
        '> app@1.0.0 build',
        '> webpack',
        '',
        "Error: Cannot find module 'webpack'",
      ];
      const body = proposeHeuristic(contextOf(log, { exit_code: null }));
      expect(body.root_cause).to.equal(
        `A dependency could not be resolved or installed. Log: "Error: Cannot find module 'webpack'"`,
      );
      expect(body.suggested_action.summary).to.equal('update dependency: webpack');
    });

    it('quotes the key line itself when the rest of the range is CI bookkeeping', () => {
      const actions = ['##[group]Run ./deploy.sh', '##[endgroup]', '##[error]Process completed with exit code 1.'];
      expect(proposeHeuristic(contextOf(actions)).root_cause).to.equal(
        'No known failure pattern matched. Log: "##[error]Process completed with exit code 1."',
      );
      expect(quoteOf(contextOf(['The command "./deploy.sh" exited with 1.']))).to.equal(
        'The command "./deploy.sh" exited with 1.',
      );
    });

    it('quotes nothing from a log of blank lines (spaces, tabs, a carriage return)', () => {
      for (const log of [[''], ['   ', '\t'], ['\r']])
        expect(proposeHeuristic(contextOf(log)).root_cause, JSON.stringify(log)).to.equal(
          'No known failure pattern matched, and no error line was found in the log.',
        );
    });

    it('quotes nothing from an empty log, and says only what decided', () => {
      const runner = proposeHeuristic(contextOf([], { failure_reason: 'runner_system_failure' }));
      expect(runner.root_cause).to.equal(
        'The CI infrastructure failed, not the job: GitLab reports failure_reason runner_system_failure.',
      );
      expect(runner.evidence).to.deep.equal([]);
      expect(proposeHeuristic(contextOf([], { exit_code: 137 })).root_cause).to.equal(
        'The job ran out of memory or disk: the command exited with 137.',
      );
      expect(proposeHeuristic(contextOf([])).root_cause).to.equal(
        'No known failure pattern matched, and no error line was found in the log.',
      );
    });
  });
});
