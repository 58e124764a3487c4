/** JSON from outside: every problem is one line naming where and what, never the text itself. */
import { describe, expect, it } from 'vitest';
import { parseJsonBytes, parseJsonText } from '../../main/graph/json-text.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const problemOf = (text: string) => {
  const result = parseJsonBytes(bytes(text), 'f.json');
  return result.ok ? 'accepted' : result.problem;
};

describe('JSON text from outside', () => {
  it('accepts a UTF-8 byte-order mark, as bytes and as decoded text', () => {
    expect(parseJsonBytes(bytes('\uFEFF{"a": 1}'), 'f.json')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText('\uFEFF[1, 2]', 'f.json')).toEqual({ ok: true, value: [1, 2] });
  });

  it.each([
    ['{"a": NaN}', 'f.json is not valid JSON: line 1, column 7: NaN is not a JSON value (write a number or null)'],
    ['{\n  "a": -Infinity\n}', 'f.json is not valid JSON: line 2, column 8: Infinity is not a JSON value (write a number or null)'],
    ['{\n  "a": 1,\n}', 'f.json is not valid JSON: line 3, column 1: a property name in double quotes was expected'],
    ["{'a': 1}", 'f.json is not valid JSON: line 1, column 2: a single quote (JSON strings and names take double quotes)'],
    ['{"a": nan}', 'f.json is not valid JSON: line 1, column 7: nan is not a JSON value (write a number or null)'],
    ['{"a": True, "b": None}', 'f.json is not valid JSON: line 1, column 7: True is Python, not JSON (JSON writes true)'],
    ['{"a": Nonesuch}', 'f.json is not valid JSON: line 1, column 7: an unexpected character'],
    ['[1 2]', 'f.json is not valid JSON: line 1, column 4: a comma was expected'],
    ['{"a": 1} trailing', 'f.json is not valid JSON: line 1, column 10: an unexpected character'],
    ['// note\n{}', 'f.json is not valid JSON: line 1, column 1: a comment, which JSON does not allow'],
    ['{"a": "two\nlines"}', 'f.json is not valid JSON: line 1, column 7: a string that is not closed on its line'],
    ['{"format": "cnn-studio/gr', 'f.json is not valid JSON (it ends early: the file looks truncated): line 1, column 12: a string that is not closed on its line'],
    ['', 'f.json is empty'],
    ['  \n ', 'f.json is empty'],
  ])('says where and what for %j', (text, problem) => {
    expect(problemOf(text)).toBe(problem);
  });

  it('never quotes the text, whatever it holds', () => {
    for (const text of ['root:x:0:0:root:/root:/bin/bash\nsecond', 'SECRET-TOKEN {"a": 1}', '{"a": SECRET}', 'password=hunter2']) {
      const problem = problemOf(text);
      expect(problem).not.toMatch(/root:x|SECRET|hunter2|second/);
      expect(problem).not.toContain('\n');
    }
  });

  it('names binary data, UTF-16 and bytes that are not UTF-8', () => {
    expect(parseJsonBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), 'a.png')).toMatchObject({ problem: 'a.png holds binary data (a zero byte at offset 4), not JSON text' });
    expect(parseJsonBytes(Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), 'w.json')).toMatchObject({ problem: 'w.json is UTF-16 text; JSON files are read as UTF-8 (save it as UTF-8)' });
    expect(parseJsonBytes(Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]), 'l.json')).toMatchObject({ problem: 'l.json is not UTF-8 text (it looks like a binary file), so it is not JSON' });
  });

  it('refuses a value nested deeper than any real document, at once and without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(parseJsonText(deep, 'deep.json')).toEqual({ ok: false, problem: 'deep.json nests more than 64 levels deep, deeper than any real document', reason: 'nests more than 64 levels deep, deeper than any real document' });
    const atTheLimit = `${'['.repeat(64)}${']'.repeat(64)}`;
    expect(parseJsonText(atTheLimit, 'ok.json').ok).toBe(true);
    expect(parseJsonText(`[${atTheLimit}]`, 'over.json').ok).toBe(false);
  });
});
