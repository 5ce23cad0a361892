// The log viewer's colours: ANSI SGR sequences → spans of text with classes or CSS colours, nothing else.
import { expect } from 'chai';
import { ansiSpans, paletteColour, plainText, type Span } from './ansi.js';

const E = '\x1b';

describe('dashboard job page: ANSI colours', () => {
  const cases: [string, string, Span[]][] = [
    ['plain text', 'hello', [{ text: 'hello', cls: '' }]],
    ['empty', '', []],
    [
      'a colour and a reset',
      `${E}[31mred${E}[0m plain`,
      [
        { text: 'red', cls: 'ansi-red-fg' },
        { text: ' plain', cls: '' },
      ],
    ],
    [
      'bold green (GitLab commands)',
      `${E}[32;1m$ npm test${E}[0;m`,
      [{ text: '$ npm test', cls: 'ansi-green-fg ansi-bold' }],
    ],
    ['bright and background', `${E}[93;44mwarn${E}[0m`, [{ text: 'warn', cls: 'ansi-bright-yellow-fg ansi-blue-bg' }]],
    ['palette 0..15 are the 16 colours', `${E}[38;5;9mx`, [{ text: 'x', cls: 'ansi-bright-red-fg' }]],
    ['palette 16..255 as a CSS colour', `${E}[38;5;196mx`, [{ text: 'x', cls: '', fg: 'rgb(255, 0, 0)' }]],
    ['24-bit background', `${E}[48;2;10;20;30mx`, [{ text: 'x', cls: '', bg: 'rgb(10, 20, 30)' }]],
    [
      'decorations',
      `${E}[1;3;4;9mx${E}[22mdone`,
      [
        { text: 'x', cls: 'ansi-bold ansi-italic ansi-underline ansi-strikethrough' },
        { text: 'done', cls: 'ansi-italic ansi-underline ansi-strikethrough' },
      ],
    ],
    ['erase-line and cursor sequences vanish', `${E}[0K${E}[2Ktext${E}[1A`, [{ text: 'text', cls: '' }]],
    [
      'an OSC hyperlink keeps its text only',
      `${E}]8;;https://x.test${E}\\link${E}]8;;${E}\\`,
      [{ text: 'link', cls: '' }],
    ],
    [
      'markup stays text',
      `${E}[31m<img src=x onerror=alert(1)>${E}[0m`,
      [{ text: '<img src=x onerror=alert(1)>', cls: 'ansi-red-fg' }],
    ],
    ['controls and bidi overrides are dropped, tabs kept', 'a\x07b\u202ec\td\x00', [{ text: 'abc\td', cls: '' }]],
    ['a lone ESC [ with nothing after', `x${E}[`, [{ text: 'x', cls: '' }]],
    ['alike neighbours merge', `${E}[31ma${E}[31mb`, [{ text: 'ab', cls: 'ansi-red-fg' }]],
  ];
  for (const [name, line, spans] of cases)
    it(name, () => {
      expect(ansiSpans(line)).to.deep.equal(spans);
    });

  const palette: [number, string][] = [
    [16, 'rgb(0, 0, 0)'],
    [21, 'rgb(0, 0, 255)'],
    [231, 'rgb(255, 255, 255)'],
    [232, 'rgb(8, 8, 8)'],
    [255, 'rgb(238, 238, 238)'],
  ];
  for (const [i, css] of palette)
    it(`paletteColour(${i}) = ${css}`, () => {
      expect(paletteColour(i)).to.equal(css);
    });

  it('plainText', () => {
    expect(plainText(`${E}[1mA${E}[0m b`)).to.equal('A b');
  });
});
