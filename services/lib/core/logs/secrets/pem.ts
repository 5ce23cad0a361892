// Private key blocks (PEM, OpenSSH, PGP): from `-----BEGIN … PRIVATE KEY-----` to its END line, each body
// line becomes `[MASKED]` (the BEGIN/END lines and the line count stay); one block counts once. A block on
// one line with escaped newlines (`\n` in JSON or an env var) is masked between BEGIN and END. A truncated
// block (no END within 64 KiB) masks the key-like lines that follow BEGIN.

import { MASK, type RedactResult } from './mask.js';

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
/** How far after BEGIN the END line is looked for (an RSA 8192 key is about 6.5 KB). */
const PEM_MAX_BYTES = 64 * 1024;
const PEM_BODY_LINE = /^[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: .*|\[MASKED\])[ \t]*$/;

export function maskPrivateKeyBlocks(text: string): RedactResult {
  if (!text.includes('PRIVATE KEY')) return { text, count: 0 };
  const parts: string[] = [];
  let count = 0;
  let pos = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let begin = PEM_BEGIN.exec(text); begin !== null; begin = PEM_BEGIN.exec(text)) {
    const bodyStart = begin.index + begin[0].length;
    if (begin.index < pos) continue; // inside a block already masked
    PEM_END.lastIndex = bodyStart;
    const end = PEM_END.exec(text);
    let bodyEnd: number;
    const terminated = end !== null && end.index - bodyStart <= PEM_MAX_BYTES;
    if (end !== null && terminated) {
      bodyEnd = end.index;
    } else {
      // No END (a truncated log): the rest of the BEGIN line and the following key-like lines.
      bodyEnd = text.indexOf('\n', bodyStart);
      if (bodyEnd < 0) bodyEnd = text.length;
      for (let lines = 0; bodyEnd < text.length && lines < 200; lines++) {
        const next = text.indexOf('\n', bodyEnd + 1);
        const lineEnd = next < 0 ? text.length : next;
        if (!PEM_BODY_LINE.test(text.slice(bodyEnd + 1, lineEnd))) break;
        bodyEnd = lineEnd;
      }
    }
    const body = text.slice(bodyStart, bodyEnd);
    const maskedBody = body
      .split('\n')
      .map((line, i) => {
        if (line.trim() === '') return line;
        // Unterminated: the rest of the BEGIN line is key material only if it looks like some.
        if (!terminated && i === 0 && !/[A-Za-z0-9+/]{16}/.test(line)) return line;
        return MASK;
      })
      .join('\n');
    parts.push(text.slice(pos, bodyStart), maskedBody);
    if (maskedBody !== body) count++;
    pos = bodyEnd;
    PEM_BEGIN.lastIndex = Math.max(PEM_BEGIN.lastIndex, bodyEnd);
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), count };
}
