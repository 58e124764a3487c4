export * from './format.ts';
export type * from './types.ts';
export { blockTitle, describeSettings } from './describe.ts';
