/**
 * Every call that crosses into the engine, over IPC or the WebSocket, is checked against an
 * argument schema (main/api/schemas.ts): no call without one, no schema without a call, and no
 * call that takes arguments of any shape or number.
 */
import { describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../main/api/contract.ts';
import { CALL_ARGUMENTS, checkArguments } from '../../main/api/schemas.ts';

describe('argument schemas', () => {
  it('exist for every call of the contract, and only for those', () => {
    expect(Object.keys(CALL_ARGUMENTS).sort()).toEqual([...CALL_NAMES].sort());
  });

  it.each(CALL_NAMES)('%s refuses arguments that are not a list, or too many of them, with a message naming the call', (name) => {
    for (const args of ['x', { 0: 'x' }, null, undefined, Array(9).fill('x')]) {
      const checked = checkArguments(name, args);
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.message).toMatch(new RegExp(`^${name}: argument`));
    }
  });

  it('knows no call by a name inherited from Object', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(checkArguments(name, [])).toEqual({ ok: false, message: `unknown call "${name}"` });
    }
  });
});
