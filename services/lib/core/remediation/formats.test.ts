import { expect } from 'chai';
import { detectFormat, failingCommand, formatOfCommand, type LogFormat } from './formats.js';

const exit = (command: string, code = 1) => `The command "${command}" exited with ${code}.`;

describe('detectFormat', () => {
  // Each a failing step as Travis CI prints it: the echoed command, the tool's output, the exit line.
  const cases: [LogFormat, string[]][] = [
    ['Maven', ['$ mvn test -B', '[INFO] BUILD FAILURE', '[ERROR] Failed to execute goal', exit('mvn test -B')]],
    [
      'Gradle',
      [
        '$ ./gradlew check',
        '> Task :compileJava FAILED',
        'FAILURE: Build failed with an exception.',
        exit('./gradlew check'),
      ],
    ],
    [
      'sbt',
      ['$ sbt ++2.12.8 test', '[error] Failed tests:', '[error] \takka.actor.ActorSpec', exit('sbt ++2.12.8 test')],
    ],
    [
      'Jest',
      [
        '$ npm test',
        '> app@1.0.0 test /home/travis/build/a/b',
        '> jest',
        'FAIL src/a.test.js',
        '  ● adds › two numbers',
        exit('npm test'),
      ],
    ],
    ['Mocha', ['$ npm test', '  12 passing (2s)', '  1 failing', '  1) parser parses:', exit('npm test')]],
    [
      'npm/yarn',
      [
        '$ npm install',
        'npm ERR! code E404',
        'npm ERR! 404 Not Found: left-pad@9.9.9',
        'The command "npm install" failed and exited with 1 during .',
      ],
    ],
    [
      'pytest',
      [
        '$ python -m pytest',
        '=================================== FAILURES ===================================',
        '___________________________ test_parse ___________________________',
        exit('python -m pytest'),
      ],
    ],
    ['tox', ['$ tox', 'py36 runtests: commands[0] | pytest', 'ERROR:   py36: commands failed', exit('tox')]],
    [
      'pip/Python',
      [
        '$ pip install -r requirements.txt',
        'Collecting numpy==9.0',
        'ERROR: No matching distribution found for numpy==9.0',
        exit('pip install -r requirements.txt'),
      ],
    ],
    ['Go', ['$ go test ./...', '--- FAIL: TestParse (0.00s)', 'FAIL\tgithub.com/a/b\t0.012s', exit('go test ./...')]],
    [
      'Cargo/Rust',
      [
        '$ cargo test',
        "thread 'main' panicked at 'assertion failed', src/lib.rs:3:5",
        'test result: FAILED. 1 passed; 1 failed',
        exit('cargo test'),
      ],
    ],
    [
      'CMake/make/C',
      [
        '$ make -j2',
        'src/util.cpp:12:3: error: use of undeclared identifier',
        'make[2]: *** [src/util.o] Error 1',
        exit('make -j2', 2),
      ],
    ],
    [
      'RSpec/Ruby/Bundler',
      ['$ bundle exec rspec', 'Failures:', '  1) User is valid', '10 examples, 1 failure', exit('bundle exec rspec')],
    ],
    [
      'PHPUnit/PHP',
      [
        '$ vendor/bin/phpunit',
        'PHPUnit 7.5.1 by Sebastian Bergmann',
        'There was 1 failure:',
        'FAILURES!',
        exit('vendor/bin/phpunit'),
      ],
    ],
    ['.NET', ['$ dotnet build', 'Program.cs(3,1): error CS1002: ; expected', 'Build FAILED.', exit('dotnet build')]],
    [
      'Xcode/Swift',
      [
        '$ set -o pipefail && xcodebuild test | xcpretty',
        '❌  /a/Tests.swift:12:5: XCTAssertEqual failed',
        '** TEST FAILED **',
        exit('set -o pipefail && xcodebuild test | xcpretty', 65),
      ],
    ],
    [
      'Haskell/Stack/Cabal',
      ['$ stack --no-terminal test', 'src/Lib.hs:10:5: error:', exit('stack --no-terminal test')],
    ],
    ['R', ['$ R CMD check *tar.gz', '* checking tests ... ERROR', 'Status: 1 ERROR', exit('R CMD check *tar.gz')]],
    [
      'Docker',
      [
        '$ docker build -t app .',
        'Step 3/7 : RUN make',
        "The command '/bin/sh -c make' returned a non-zero code: 2",
        exit('docker build -t app .'),
      ],
    ],
    [
      'Lua',
      [
        '$ busted',
        'lua: spec/a_spec.lua:4: attempt to index a nil value',
        'stack traceback:',
        '        [C]: in ?',
        exit('busted'),
      ],
    ],
    [
      'Perl/prove',
      [
        '$ prove -lv t',
        't/basic.t .. Dubious, test returned 1 (wstat 256, 0x100)',
        'Failed 1/3 subtests',
        'Result: FAIL',
        exit('prove -lv t'),
      ],
    ],
    [
      'Erlang/Elixir',
      ['$ mix test', '  1) test greets the world (HelloTest)', '     ** (RuntimeError) boom', exit('mix test')],
    ],
    [
      'PowerShell/Pester',
      ['$ pwsh -c ./build.ps1', 'Describing Get-Thing', '  [-] returns a thing 12ms', exit('pwsh -c ./build.ps1')],
    ],
    ['TeX', ['$ latexmk -pdf std.tex', '! Undefined control sequence.', exit('latexmk -pdf std.tex', 12)]],
    [
      'Emacs Lisp',
      [
        '$ emacs --batch -l init.el',
        'Debugger entered--Lisp error: (void-function foo)',
        exit('emacs --batch -l init.el', 255),
      ],
    ],
    [
      'Vim script',
      [
        '$ vim -Nu test/vimrc -c "Vader! test/*"',
        'Starting Vader: 1 suite(s), 3 case(s)',
        exit('vim -Nu test/vimrc -c "Vader! test/*"'),
      ],
    ],
    ['other', ['$ ./check-links.sh', 'broken link: http://example.com', exit('./check-links.sh')]],
  ];
  for (const [format, lines] of cases) {
    it(`recognises ${format}`, () => {
      expect(detectFormat(['Worker information', ...lines, '', 'Done. Your build exited with 1.'])).to.equal(format);
    });
  }

  it('takes the first failing step, not an earlier step that passed or a later one', () => {
    const lines = [
      '$ npm install',
      exit('npm install', 0),
      '$ bundle exec rake',
      exit('bundle exec rake'),
      '$ make',
      exit('make'),
    ];
    expect(failingCommand(lines)).to.equal('bundle exec rake');
    expect(detectFormat(lines)).to.equal('RSpec/Ruby/Bundler');
  });

  it('reads past travis_retry attempts to the step that failed', () => {
    const lines = [
      '$ travis_retry npm install',
      'The command "npm install" failed. Retrying, 2 of 3.',
      '$ docker build .',
      'The command "npm install" failed 3 times.',
    ];
    expect(failingCommand(lines)).to.equal('npm install');
    expect(detectFormat(lines)).to.equal('npm/yarn');
  });

  it('ignores the Travis CI build system information (every image lists Maven and Vim)', () => {
    const header = ['Apache Maven 3.5.2 (138edd61fd100ec658bfa2d307c43b76940a5d7d; 2017-10-18T07:58:13Z)'];
    expect(detectFormat([...header, 'VIM - Vi IMproved 7.4', '$ ./run.sh', exit('./run.sh')])).to.equal('other');
  });

  it('reads a quoted multi-line command to its exit line', () => {
    const lines = ['The command "set -e', 'cd docs', 'cargo build"', '" exited with 101.'];
    expect(failingCommand(lines)).to.equal('set -e\ncd docs\ncargo build"\n');
    expect(detectFormat(lines)).to.equal('Cargo/Rust');
  });

  it('falls back to the last echoed command, then to the most frequent output', () => {
    expect(failingCommand(['$ go vet ./...', 'vet: a.go:3: unreachable code'])).to.equal('go vet ./...');
    expect(detectFormat(['[INFO] Building core 1.0', '[INFO] BUILD FAILURE', 'FAILURE: Build failed'])).to.equal(
      'Maven',
    );
    expect(detectFormat(['nothing to see'])).to.equal('other');
  });

  const commands: [string, LogFormat | undefined][] = [
    ['./mvnw -q verify', 'Maven'],
    ['yarn lint', 'npm/yarn'],
    ['python setup.py test', 'pip/Python'],
    ['travis_retry cabal install --only-dependencies', 'Haskell/Stack/Cabal'],
    ['rebar3 ct', 'Erlang/Elixir'],
    ['./test.sh', undefined],
  ];
  for (const [command, format] of commands) {
    it(`names the family of "${command}"`, () => expect(formatOfCommand(command)).to.equal(format));
  }
});
