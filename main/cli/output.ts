/** Where a command writes, and the exit codes every command shares. */

export const EXIT_OK = 0;
/** The file was read, but the graph in it is not valid (summary, train). */
export const EXIT_INVALID_GRAPH = 1;
/** The input could not be read or understood, or the arguments were wrong. */
export const EXIT_UNREADABLE = 2;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}
