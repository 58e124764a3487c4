/**
 * Errors whose message is written for the user: it says what is wrong and what to do, in one
 * line. Anything else that escapes is a bug or a library failure and is shown with its type.
 */
export class StudioError extends Error {
  override name = 'StudioError';
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const line = error.message.split('\n')[0]!.trim();
  return error instanceof StudioError ? line : `${error.name}: ${line}`;
}
