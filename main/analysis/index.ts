export { analyzeGraph } from './analyze.ts';
export { BLOCKS } from './blocks/index.ts';
export * from './format.ts';
export type * from './types.ts';
export { blockTitle, describeSettings } from './describe.ts';
export { summarize, type ModelSummary, type LayerSummary } from './summary.ts';
