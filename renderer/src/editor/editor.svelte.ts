/** The editor's state for the Svelte components: one immutable state, replaced by each command. */
import { analyzeGraph } from '../../../main/analysis/analyze.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import { autoLayout, type AutoLayoutOptions, type LaidOutRoutes } from './auto-layout.ts';
import type { Card } from './canvas-view.ts';
import { applyCommand, directionOf, initialState, isDirty, type EditorCommand, type EditorContext, type EditorState } from './editor-state.ts';
import { estimateCardSize, type Size } from './geometry.ts';

export class EditorStore {
  state: EditorState = $state.raw(initialState());
  /** Reruns on every edit; the counters on the canvas and in the header come from here. */
  analysis = $derived(analyzeGraph(this.state.graph));
  dirty = $derived(isDirty(this.state));
  /**
   * Card sizes as the canvas measured them, by card id. Not reactive: commands read them when
   * they run (placement, layout), and the canvas reports changes through `measured`.
   */
  readonly sizes = new Map<string, Size>();
  /** Connections as the last auto-layout routed them, until the cards move. */
  routes: LaidOutRoutes | null = $state.raw(null);
  private layouts = 0;

  /** A card's size: measured, or estimated (with its first problem message) before it is drawn. */
  sizeOf = (card: Card): Size => this.sizes.get(card.id) ?? estimateCardSize(card, this.analysis.diagnostics.find((d) => d.nodeId === card.members[0])?.message);

  private readonly context: EditorContext = { sizeOf: this.sizeOf };

  dispatch = (command: EditorCommand): void => {
    this.state = applyCommand(this.state, command, this.context);
  };

  open(graph: GraphDocument, path: string | null): void {
    this.dispatch({ type: 'open', graph, path });
    this.routes = null;
  }

  /**
   * Lays the design out (elkjs) and moves the blocks in one undo step. Calling it again with the
   * `key` it returned refines that same step (the canvas does, once it has measured cards it had
   * to estimate). With `asOpened`, the layout is part of opening a design that came without
   * positions: no undo step, and a clean design stays clean.
   */
  async autoLayout(options: Partial<AutoLayoutOptions> = {}, key = `layout:${++this.layouts}`, asOpened = false): Promise<string> {
    const graph = this.state.graph;
    const chosen = { direction: options.direction ?? directionOf(graph), compact: options.compact ?? graph.layout?.compact ?? false };
    const result = await autoLayout(graph, this.state.expandedUnits, this.sizeOf, chosen);
    // An edit while the layout ran wins: the layout was for a design that is gone.
    if (this.state.graph !== graph) return key;
    if (asOpened) this.dispatch({ type: 'layoutOnOpen', positions: result.positions, direction: chosen.direction });
    else this.dispatch({ type: 'layout', positions: result.positions, direction: chosen.direction, compact: chosen.compact, key });
    this.routes = result.routes;
    return key;
  }
}
