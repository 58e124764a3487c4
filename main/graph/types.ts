/** The in-memory graph: what the schema produces once a document has loaded. */
import type { z } from 'zod';
import type { BlockType, blockParamSchemas, budgetsSchema, groupSchema, layoutSchema } from './schema.ts';
import type { TrainingSettings } from './training-settings.ts';

export type { BlockType, Padding, ActivationFunction } from './schema.ts';

/** Each block kind's settings, with defaults filled in. */
export type BlockParams = { [K in BlockType]: z.output<(typeof blockParamSchemas)[K]> };

/** A block in the graph; `type` decides the shape of `params`. */
export type GraphNode<K extends BlockType = BlockType> = K extends BlockType
  ? {
      /** The block's name, unique in the graph. */
      id: string;
      type: K;
      params: BlockParams[K];
      /** False freezes the block's weights; missing means trainable. */
      trainable?: boolean;
      position?: { x: number; y: number };
    }
  : never;

export interface GraphEdge {
  id?: string;
  source: string;
  target: string;
}

export type GraphGroup = z.output<typeof groupSchema>;
export type Budgets = z.output<typeof budgetsSchema>;
export type CanvasLayout = z.output<typeof layoutSchema>;

export interface GraphDocument {
  format: 'cnn-studio/graph';
  version: 2;
  name?: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups?: GraphGroup[];
  budgets?: Budgets;
  layout?: CanvasLayout;
  training?: TrainingSettings;
}
