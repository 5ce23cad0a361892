// The log viewer's reading of a CI log: lines numbered as stored, progress overwrites, sections of GitLab,
// GitHub Actions and Travis CI.
import { expect } from 'chai';
import { markersOf, overwrite, parseLog, splitLines, visibleText } from './log-model.js';

const E = '\x1b';

describe('dashboard job page: the log model', () => {
  const splits: [string, string[]][] = [
    ['', ['']],
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\nb\n\n', ['a', 'b', '']],
    ['a\r\nb', ['a\r', 'b']],
  ];
  for (const [text, lines] of splits)
    it(`splitLines(${JSON.stringify(text)}) = ${JSON.stringify(lines)}`, () => {
      expect(splitLines(text)).to.deep.equal(lines);
    });

  const overwrites: [string, string][] = [
    ['plain', 'plain'],
    ['Downloading 10%\rDownloading 100%', 'Downloading 100%'],
    ['done\r', 'done'],
    ['a\r\rb\r', 'b'],
    [`kept\r${E}[0K`, 'kept'],
    [`x\r${E}[32mgreen${E}[0m`, `${E}[32mgreen${E}[0m`],
    ['\r', ''],
  ];
  for (const [line, shown] of overwrites)
    it(`overwrite(${JSON.stringify(line)}) = ${JSON.stringify(shown)}`, () => {
      expect(overwrite(line)).to.equal(shown);
    });

  it('visibleText drops escape sequences of every kind', () => {
    expect(visibleText(`${E}[1;31mred${E}[0m ${E}]0;title\x07x ${E}=y`)).to.equal('red x y');
  });

  const markers: [string, unknown[], string][] = [
    [
      `section_start:1:build\r${E}[0KBuilding`,
      [{ kind: 'start', name: 'build', collapsed: false, header: null }],
      'Building',
    ],
    [
      `section_start:1:deps[collapsed=true]\r${E}[0K${E}[36mInstall${E}[0m`,
      [{ kind: 'start', name: 'deps', collapsed: true, header: null }],
      `${E}[36mInstall${E}[0m`,
    ],
    [`section_end:2:build\r${E}[0K`, [{ kind: 'end', name: 'build' }], ''],
    [
      `section_end:2:a\r${E}[0Ksection_start:2:b\r${E}[0KNext`,
      [
        { kind: 'end', name: 'a' },
        { kind: 'start', name: 'b', collapsed: false, header: null },
      ],
      'Next',
    ],
    [`${E}[0Ksection_start:1:x\r${E}[0K`, [{ kind: 'start', name: 'x', collapsed: false, header: null }], ''],
    ['##[group]Run npm test', [{ kind: 'start', name: 'Run npm test', collapsed: false, header: 'Run npm test' }], ''],
    [
      '2024-05-01T10:00:00.1234567Z ##[group]Run x',
      [{ kind: 'start', name: 'Run x', collapsed: false, header: 'Run x' }],
      '',
    ],
    ['##[endgroup]', [{ kind: 'end', name: '' }], ''],
    ['::group::Lint', [{ kind: 'start', name: 'Lint', collapsed: false, header: 'Lint' }], ''],
    [
      `travis_fold:start:install\r${E}[0K$ npm ci`,
      [{ kind: 'start', name: 'install', collapsed: false, header: null }],
      '$ npm ci',
    ],
    [
      `travis_time:end:abc:start=1,finish=2\r${E}[0Ktravis_fold:end:install\r${E}[0K`,
      [{ kind: 'end', name: 'install' }],
      '',
    ],
    ['a section_start:1:x in the middle', [], 'a section_start:1:x in the middle'],
    ['grouped results', [], 'grouped results'],
  ];
  for (const [line, found, rest] of markers)
    it(`markersOf(${JSON.stringify(line)})`, () => {
      expect(markersOf(line)).to.deep.equal({ markers: found, rest });
    });

  it('GitLab sections: nested, collapsed on request, end lines hidden, numbering kept', () => {
    const log = [
      'Running with gitlab-runner',
      `section_start:1:prepare[collapsed=true]\r${E}[0KPreparing`,
      'pulling image',
      `section_end:2:prepare\r${E}[0K`,
      `section_start:3:script\r${E}[0K`,
      `section_start:3:inner\r${E}[0KInner`,
      '$ npm test',
      `section_end:4:inner\r${E}[0K`,
      'AssertionError',
      `section_end:5:script\r${E}[0K`,
      'ERROR: Job failed',
    ].join('\n');
    const m = parseLog(log);
    expect(m.lines).to.have.length(11);
    expect(m.sections).to.deep.equal([
      { name: 'prepare', header: 1, end: 3, collapsed: true, depth: 0 },
      { name: 'script', header: 4, end: 9, collapsed: false, depth: 0 },
      { name: 'inner', header: 5, end: 7, collapsed: false, depth: 1 },
    ]);
    expect(m.lines.map((l) => [l.text, l.heads, l.hidden])).to.deep.equal([
      ['Running with gitlab-runner', -1, false],
      ['Preparing', 0, false],
      ['pulling image', -1, false],
      ['', -1, true],
      ['script', 1, false],
      ['Inner', 2, false],
      ['$ npm test', -1, false],
      ['', -1, true],
      ['AssertionError', -1, false],
      ['', -1, true],
      ['ERROR: Job failed', -1, false],
    ]);
  });

  it('GitHub groups close the innermost; an unclosed section runs to the end; a stray end is ignored', () => {
    const m = parseLog(
      [
        '##[group]Outer',
        '##[group]Inner',
        'x',
        '##[endgroup]',
        'y',
        '##[endgroup]',
        '##[endgroup]',
        '##[group]Last',
        'z',
      ].join('\n'),
    );
    expect(m.sections.map((s) => [s.name, s.header, s.end, s.depth])).to.deep.equal([
      ['Outer', 0, 5, 0],
      ['Inner', 1, 3, 1],
      ['Last', 7, 8, 0],
    ]);
    expect(m.lines[6]!.hidden).to.equal(true);
  });

  it('a GitLab end of an outer section closes the inner ones left open', () => {
    const m = parseLog(['section_start:1:a\rA', 'section_start:1:b\rB', 'x', 'section_end:2:a\r', 'y'].join('\n'));
    expect(m.sections.map((s) => [s.name, s.end])).to.deep.equal([
      ['a', 3],
      ['b', 3],
    ]);
  });

  it('a megabyte of log parses into every line and section', () => {
    const line = `${E}[32m✔${E}[0m test number something passes in 12ms ${'x'.repeat(20)}`;
    const text = Array.from({ length: 20_000 }, (_, i) =>
      i % 500 === 0 ? `section_start:1:s${i}\r${E}[0K${line}` : line,
    ).join('\n');
    const m = parseLog(text);
    expect(m.lines).to.have.length(20_000);
    expect(m.sections).to.have.length(40);
  });
});
