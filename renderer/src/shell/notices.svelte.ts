/** The one-line status at the bottom of the window: what just happened, or what went wrong. */
export class Notices {
  message = $state('');
  /** An error reads differently (red) from a report of something done. */
  error = $state(false);

  show(message: string): void {
    this.message = message;
    this.error = false;
  }

  fail(message: string): void {
    this.message = message;
    this.error = true;
  }

  /** Runs `work`; its failure becomes the notice (in red) and the result undefined. */
  async report<T>(work: Promise<T>, done?: (result: T) => string): Promise<T | undefined> {
    try {
      const result = await work;
      if (done) this.show(done(result));
      return result;
    } catch (error) {
      this.fail((error as Error).message);
      return undefined;
    }
  }
}
