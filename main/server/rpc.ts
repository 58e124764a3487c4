/**
 * The wire format of the API contract over a WebSocket: a request names a call and its
 * arguments, a response carries the result or an error message, and events are pushed unasked.
 */
import { z } from 'zod';
import { onArrays, onStrings } from '../length-checks.ts';

export const requestSchema = z.strictObject({
  id: z.number().int().min(0),
  call: z.string().max(64, onStrings()),
  args: z.array(z.unknown()).max(8, onArrays()),
});

export type RpcResponse = { id: number; result: unknown } | { id: number; error: { message: string } };
export type RpcEvent = { event: string; args: unknown[] };
export type RpcMessage = RpcResponse | RpcEvent;
