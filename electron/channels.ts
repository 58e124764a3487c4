/** IPC channel names, shared by the preload and the main process. */
export const CALL_CHANNEL = 'cnn-studio:call';
export const eventChannel = (name: string): string => `cnn-studio:event:${name}`;

/** What a call returns over IPC: errors travel as data, so no stack crosses into the page. */
export type CallReply = { ok: true; result: unknown } | { ok: false; message: string };
