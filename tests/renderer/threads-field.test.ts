/** The training panel's Threads field (renderer/src/training/threads-field.ts). */
import { describe, expect, it } from 'vitest';
import { parseThreadsField } from '../../renderer/src/training/threads-field.ts';

describe('the Threads field', () => {
  it('leaves the count to the engine when empty: one thread per core', () => {
    expect(parseThreadsField('')).toEqual({ ok: true, threads: undefined });
    expect(parseThreadsField('  ')).toEqual({ ok: true, threads: undefined });
  });

  it('takes a whole number from 1 to 256', () => {
    expect(parseThreadsField('1')).toEqual({ ok: true, threads: 1 });
    expect(parseThreadsField(' 8 ')).toEqual({ ok: true, threads: 8 });
    expect(parseThreadsField('256')).toEqual({ ok: true, threads: 256 });
  });

  it.each(['0', '-2', '1.5', 'two', '257', '1e9'])('refuses %s, saying what it takes', (text) => {
    expect(parseThreadsField(text)).toEqual({ ok: false, message: 'threads: a whole number from 1 to 256, or empty for one per core' });
  });
});
