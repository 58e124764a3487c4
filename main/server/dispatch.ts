/**
 * Answering one call of the API contract: arguments checked against the schemas, the service
 * called, and any failure turned into a message for the user. Shared by every transport.
 */
import { checkArguments } from '../api/schemas.ts';
import type { StudioCalls } from '../api/contract.ts';
import { describeError } from '../errors.ts';

export type CallOutcome = { ok: true; result: unknown } | { ok: false; message: string };

/** Never rejects: whatever goes wrong, checking included, comes back as `{ ok: false, message }`. */
export async function dispatchCall(service: StudioCalls, call: string, args: unknown): Promise<CallOutcome> {
  try {
    const checked = checkArguments(call, args);
    if (!checked.ok) return { ok: false, message: checked.message };
    const method = service[call as keyof StudioCalls] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, result: await method(...checked.args) };
  } catch (error) {
    return { ok: false, message: describeError(error) };
  }
}
