/**
 * JSON text that may hold anything (a file, a pasted document), parsed without the file system:
 * the renderer uses it too, and main/files/read-json-file.ts reads files with it. Whatever is wrong comes back as one line that
 * names the file, the place (line and column) and what was expected there — never by quoting
 * the file: V8's own messages ("Unexpected token 'r', "root:x:0:0:..." is not valid JSON") echo
 * the text, which would show the first line of any file a path could reach, and are two lines
 * long when that text holds a line break.
 *
 * Accepted: UTF-8 with or without a byte-order mark (Windows editors write one). Refused with a
 * reason: UTF-16, binary data, NaN and Infinity (not JSON, though Python's json writes them),
 * text that is not JSON, and values nested deeper than any real document (nesting-depth.ts).
 */
import { parse as parseLocating, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { nestingProblem } from '../nesting-depth.ts';

/** `problem` is the whole line, "<what> is not valid JSON: …"; `reason` the same without "<what> ". */
export type JsonText = { ok: true; value: unknown } | { ok: false; problem: string; reason: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Parses `bytes` as JSON; `what` names them in the problem, normally the file's path. */
export function parseJsonBytes(bytes: Uint8Array, what: string): JsonText {
  const fail = (reason: string): JsonText => ({ ok: false, problem: `${what} ${reason}`, reason });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail('is UTF-16 text; JSON files are read as UTF-8 (save it as UTF-8)');
  }
  const zero = bytes.indexOf(0);
  if (zero >= 0) return fail(`holds binary data (a zero byte at offset ${zero}), not JSON text`);
  const start = UTF8_BOM.every((b, i) => bytes[i] === b) ? UTF8_BOM.length : 0;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    return fail('is not UTF-8 text (it looks like a binary file), so it is not JSON');
  }
  return parseJsonText(text, what);
}

/** Parses JSON text (already decoded); `what` names it in the problem. */
export function parseJsonText(text: string, what: string): JsonText {
  const fail = (reason: string): JsonText => ({ ok: false, problem: `${what} ${reason}`, reason });
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return fail('is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON${looksTruncated(text) ? ' (it ends early: the file looks truncated)' : ''}${locateSyntaxError(text, error)}`);
  }
  const tooDeep = nestingProblem(value, '');
  return tooDeep ? fail(tooDeep.trim()) : { ok: true, value };
}

/** What each of jsonc-parser's error codes (by name: they are a const enum) means, in words. */
const EXPECTED: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'the JSON value ended before this, but more text follows',
  InvalidCommentToken: 'a comment, which JSON does not allow',
  UnexpectedEndOfComment: 'a comment, which JSON does not allow',
  UnexpectedEndOfString: 'a string that is not closed on its line',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape sequence',
  InvalidCharacter: 'a control character inside a string (write it as an escape such as \\n)',
};

/** Numbers JSON does not have but other writers put in (Python's json: NaN, Infinity). */
const NOT_JSON_NUMBERS = ['NaN', '-NaN', 'Infinity', '-Infinity', '+Infinity', 'nan', '-nan', 'inf', '-inf', 'undefined'];
/** Python's literals, from a dictionary printed instead of dumped as JSON. */
const PYTHON_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/**
 * ": line 3, column 12: a value was expected", found by a second parser that reports where it
 * stopped; V8's position, when its message has one, if that parser finds nothing; else nothing.
 */
function locateSyntaxError(text: string, error: unknown): string {
  const errors: ParseError[] = [];
  parseLocating(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const word = NOT_JSON_NUMBERS.find((w) => text.startsWith(w, first.offset) && !/\w/.test(text[first.offset + w.length] ?? ''));
    const python = Object.keys(PYTHON_LITERALS).find((w) => text.startsWith(w, first.offset) && !/\w/.test(text[first.offset + w.length] ?? ''));
    const what = word
      ? `${word.replace(/^[-+]/, '')} is not a JSON value (write a number or null)`
      : python
        ? `${python} is Python, not JSON (JSON writes ${PYTHON_LITERALS[python]})`
        : text[first.offset] === "'"
          ? 'a single quote (JSON strings and names take double quotes)'
          : (EXPECTED[printParseErrorCode(first.error)] ?? 'a syntax error');
    return `: ${lineAndColumn(text, first.offset)}: ${what}`;
  }
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? '' : `: ${lineAndColumn(text, Number(position))}`;
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** A JSON document cut short leaves more brackets opened than closed. */
function looksTruncated(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth > 0 || inString;
}
