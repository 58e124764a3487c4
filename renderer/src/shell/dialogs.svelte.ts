/**
 * The in-app dialogs, one at a time: questions with a few answers (in place of confirm()), the
 * file chooser of the browser mode, and the welcome. Each request is a Promise that settles with
 * the answer; Escape or the close button gives the request's `cancel` answer. Requests made while
 * a dialog is open wait their turn.
 */
import type { FileKind, GraphFileInfo } from '../../../main/api/contract.ts';

export interface Choice<T> {
  label: string;
  value: T;
  /** The answer Enter gives (the dialog focuses it). */
  primary?: boolean;
  /** An answer that loses work (discard, delete): drawn in red. */
  danger?: boolean;
}

export interface ChoiceRequest<T = unknown> {
  kind: 'choice';
  testid: string;
  title: string;
  message: string;
  details?: string;
  choices: Choice<T>[];
  /** What Escape answers: the choice that changes nothing. */
  cancel: T;
}

export interface FileRequest {
  kind: 'file';
  purpose: 'open' | 'save';
  fileKind: FileKind;
  /** The workspace's files of that kind, newest first. */
  files: GraphFileInfo[];
  workspace: string;
  suggested: string;
}

/** What the welcome answers: a preset, an empty design, or a recent file. */
export type WelcomeChoice = { kind: 'preset'; id: string } | { kind: 'empty' } | { kind: 'recent'; path: string } | { kind: 'open' };

export interface WelcomeRequest {
  kind: 'welcome';
}

type Answer<R> = R extends ChoiceRequest<infer T> ? T : R extends FileRequest ? string | null : R extends WelcomeRequest ? WelcomeChoice | null : never;
export type DialogRequest = ChoiceRequest | FileRequest | WelcomeRequest;

interface Pending {
  request: DialogRequest;
  settle(answer: unknown): void;
}

export class Dialogs {
  /** The dialog on screen, or null. */
  current: DialogRequest | null = $state.raw(null);
  #pending: Pending | null = null;
  #queue: Pending[] = [];

  get open(): boolean {
    return this.current !== null;
  }

  ask<T>(request: Omit<ChoiceRequest<T>, 'kind'>): Promise<T> {
    return this.#show({ kind: 'choice', ...request } as ChoiceRequest<T>);
  }

  chooseFile(request: Omit<FileRequest, 'kind'>): Promise<string | null> {
    return this.#show({ kind: 'file', ...request });
  }

  welcome(): Promise<WelcomeChoice | null> {
    return this.#show({ kind: 'welcome' });
  }

  /** Called by the dialog on screen with the user's answer. */
  answer(answer: unknown): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = this.#queue.shift() ?? null;
    this.current = this.#pending?.request ?? null;
    pending.settle(answer);
  }

  /** Escape, the close button, a click beside the dialog. */
  dismiss(): void {
    const request = this.current;
    if (!request) return;
    this.answer(request.kind === 'choice' ? request.cancel : null);
  }

  #show<R extends DialogRequest>(request: R): Promise<Answer<R>> {
    return new Promise((settle) => {
      const pending: Pending = { request, settle: settle as (answer: unknown) => void };
      if (this.#pending) this.#queue.push(pending);
      else {
        this.#pending = pending;
        this.current = request;
      }
    });
  }
}
