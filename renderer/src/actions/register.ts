/**
 * The registry: every action module calls `register` once per action at load time, and
 * index.ts loads them all. A name registered twice is a programming error and throws.
 */
import type { Action, ActionName, AnyAction } from './types.ts';

const registered: AnyAction[] = [];

export function register<N extends ActionName>(action: Action<N>): Action<N> {
  if (registered.some((other) => other.name === action.name)) throw new Error(`the action ${action.name} is registered twice`);
  registered.push(action as unknown as AnyAction);
  return action;
}

/** Every registered action, in registration order (the order menus list them in). */
export function registeredActions(): readonly AnyAction[] {
  return registered;
}
