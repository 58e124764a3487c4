export { analyzeGraph } from './analyze.ts';
export { BLOCKS } from './blocks/index.ts';
export * from './format.ts';
export type * from './types.ts';
