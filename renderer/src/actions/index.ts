/** The action registry: loading this registers every action (see README.md). */
import './file-actions.ts';
import './edit-actions.ts';
import './view-actions.ts';
import './canvas-actions.ts';

export { registeredActions } from './register.ts';
export { createActionManager, type ActionManager, type MenuEntry, type MenuRoute } from './manager.ts';
export type * from './types.ts';
