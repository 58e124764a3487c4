/**
 * The optimizers a run can use, written as PyTorch 1.13 computes them (torch/optim/sgd.py,
 * adam.py, adamw.py, the single-tensor code paths), so that the same weights and gradients give
 * the same updated weights, weight decay and momentum cycling included:
 *
 *   SGD:   d = g + wd·w;  b = μ·b + d;  d = Nesterov ? d + μ·b : b;  w −= lr·d
 *          (μ = 0 keeps no buffer: w −= lr·d)
 *   Adam:  g = g + wd·w (L2);  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;
 *          w −= lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 *   AdamW: w = w·(1 − lr·wd), then Adam's step without the L2 term (Loshchilov & Hutter's
 *          decoupled weight decay)
 *
 * TensorFlow.js' own optimizers compute SGD, Momentum and Adam the same way, but have no weight
 * decay, take Adam's bias correction from the product of every β1 used (PyTorch uses the current
 * β1, which differs once one-cycle cycles it), and ignore a momentum changed after construction.
 * Each weight is updated in its own tidy, so only one weight's temporaries are alive at a time
 * (analysis/training-memory.ts counts on it).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TensorFlow } from '../compile/to-tfjs.ts';
import type { TrainingSettings } from '../graph/training-settings.ts';

/** tfjs-core's NamedTensor, which the tfjs package does not re-export. */
interface NamedTensor {
  name: string;
  tensor: tfjs.Tensor;
}

/** An optimizer's state, for a checkpoint: the step count and each weight's slots in the order asked for. */
export interface OptimizerState {
  /** Steps taken (PyTorch's `state['step']`). */
  step: number;
  /** Per trainable weight, its slots (SGD: the momentum buffer, if any; Adam: m then v), each flattened. */
  slots: Float32Array[][];
}

export interface StudioOptimizer extends tfjs.Optimizer {
  setLearningRate(rate: number): void;
  /** SGD's momentum, or Adam's β1: what one-cycle's momentum cycling changes. */
  setMomentum(momentum: number): void;
  /** The state of the weights named (in that order); a weight never updated yet has zero slots. */
  exportState(variables: readonly tfjs.Variable[]): OptimizerState;
  /** Restores what exportState gave, for the same weights in the same order. */
  importState(variables: readonly tfjs.Variable[], state: OptimizerState): void;
  /**
   * SGD's numbers and each weight's momentum buffer (created at zero if need be), for an update
   * computed outside TensorFlow.js (parallel/in-place-update.ts), which then calls `countStep`;
   * null for Adam and AdamW.
   */
  sgdUpdate(variables: readonly tfjs.Variable[]): SgdUpdate | null;
  /** Counts a step whose update was made outside applyGradients. */
  countStep(): void;
}

/** One SGD step's numbers: w −= rate·d, d as in the module's comment. */
export interface SgdUpdate {
  rate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Per weight, its momentum buffer; null without momentum (PyTorch keeps none). */
  buffers: (tfjs.Variable | null)[];
}

type OptimizerSettings = Pick<TrainingSettings, 'optimizer' | 'momentum' | 'nesterov' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay'> & {
  schedule: { type: string; cycleMomentum?: boolean };
};

/** The optimizer a run's settings ask for, starting at `learningRate`. */
export function createOptimizer(tf: TensorFlow, settings: OptimizerSettings, learningRate: number): StudioOptimizer {
  const Optimizer = tf.Optimizer as unknown as abstract new () => tfjs.Optimizer;
  const cycling = settings.schedule.type === 'oneCycle' && settings.schedule.cycleMomentum === true;

  class PyTorchOptimizer extends Optimizer implements StudioOptimizer {
    static get className(): string {
      return settings.optimizer === 'sgd' ? 'PyTorchSGD' : settings.optimizer === 'adam' ? 'PyTorchAdam' : 'PyTorchAdamW';
    }

    private rate = learningRate;
    private momentum = settings.optimizer === 'sgd' ? settings.momentum : settings.beta1;
    private steps = 0;
    /** By variable name: SGD's momentum buffer, or Adam's m and v. */
    private readonly slots = new Map<string, tfjs.Variable[]>();
    /** SGD without momentum (and without cycling it) keeps no buffer, as PyTorch does. */
    private readonly slotCount = settings.optimizer === 'sgd' ? (settings.momentum === 0 && !cycling ? 0 : 1) : 2;

    setLearningRate(rate: number): void {
      this.rate = rate;
    }

    setMomentum(momentum: number): void {
      this.momentum = momentum;
    }

    applyGradients(variableGradients: tfjs.NamedTensorMap | NamedTensor[]): void {
      const entries = Array.isArray(variableGradients) ? variableGradients.map((item) => [item.name, item.tensor] as const) : Object.entries(variableGradients);
      this.steps += 1;
      for (const [name, gradient] of entries) {
        if (gradient == null) continue;
        const variable = tf.engine().registeredVariables[name]!;
        const slots = this.slotsOf(variable);
        tf.tidy(() => (settings.optimizer === 'sgd' ? this.sgdStep(variable, gradient, slots) : this.adamStep(variable, gradient, slots)));
      }
      this.incrementIterations();
    }

    sgdUpdate(variables: readonly tfjs.Variable[]): SgdUpdate | null {
      if (settings.optimizer !== 'sgd') return null;
      const buffers = variables.map((variable) => this.slotsOf(variable)[0] ?? null);
      return { rate: this.rate, momentum: this.momentum, nesterov: settings.nesterov, weightDecay: settings.weightDecay, buffers };
    }

    countStep(): void {
      this.steps += 1;
      this.incrementIterations();
    }

    private sgdStep(w: tfjs.Variable, g: tfjs.Tensor, slots: tfjs.Variable[]): void {
      let d = settings.weightDecay === 0 ? g : tf.add(g, tf.mul(w, settings.weightDecay));
      const buffer = slots[0];
      if (buffer) {
        const next = tf.add(tf.mul(buffer, this.momentum), d);
        buffer.assign(next);
        d = settings.nesterov ? tf.add(d, tf.mul(next, this.momentum)) : next;
      }
      w.assign(tf.sub(w, tf.mul(d, this.rate)));
    }

    private adamStep(w: tfjs.Variable, g: tfjs.Tensor, [m, v]: tfjs.Variable[]): void {
      const { beta2, epsilon, weightDecay } = settings;
      const beta1 = this.momentum;
      if (weightDecay !== 0) {
        if (settings.optimizer === 'adamw') w.assign(tf.mul(w, 1 - this.rate * weightDecay));
        else g = tf.add(g, tf.mul(w, weightDecay));
      }
      const mean = tf.add(tf.mul(m!, beta1), tf.mul(g, 1 - beta1));
      const square = tf.add(tf.mul(v!, beta2), tf.mul(tf.square(g), 1 - beta2));
      m!.assign(mean);
      v!.assign(square);
      const correction1 = 1 - beta1 ** this.steps;
      const correction2 = 1 - beta2 ** this.steps;
      const denominator = tf.add(tf.div(tf.sqrt(square), Math.sqrt(correction2)), epsilon);
      w.assign(tf.sub(w, tf.mul(tf.div(mean, denominator), this.rate / correction1)));
    }

    private slotsOf(variable: tfjs.Variable): tfjs.Variable[] {
      let slots = this.slots.get(variable.name);
      if (!slots) {
        slots = Array.from({ length: this.slotCount }, () => tf.tidy(() => tf.zerosLike(variable).variable(false)));
        this.slots.set(variable.name, slots);
      }
      return slots;
    }

    exportState(variables: readonly tfjs.Variable[]): OptimizerState {
      return {
        step: this.steps,
        slots: variables.map((variable) => this.slotsOf(variable).map((slot) => new Float32Array(slot.dataSync() as Float32Array))),
      };
    }

    importState(variables: readonly tfjs.Variable[], state: OptimizerState): void {
      if (state.slots.length !== variables.length) throw new Error(`the optimizer state holds ${state.slots.length} weights, the model ${variables.length}`);
      variables.forEach((variable, i) => {
        const slots = this.slotsOf(variable);
        const saved = state.slots[i]!;
        if (saved.length !== slots.length) throw new Error(`the optimizer state of ${variable.name} has ${saved.length} slots, not ${slots.length}`);
        slots.forEach((slot, s) => {
          if (saved[s]!.length !== slot.size) throw new Error(`the optimizer state of ${variable.name} has ${saved[s]!.length} values, not ${slot.size}`);
          slot.assign(tf.tensor(saved[s]!, slot.shape));
        });
      });
      this.steps = state.step;
      this.iterations_ = state.step;
    }

    /** TensorFlow.js' own format (model.save with the optimizer): the iterations, then every slot by name. */
    override async getWeights(): Promise<NamedTensor[]> {
      const slots = [...this.slots].flatMap(([name, variables]) => variables.map((tensor, i) => ({ name: `${name}/${['m', 'v'][i]}`, tensor })));
      return [await this.saveIterations(), ...slots];
    }

    override async setWeights(weightValues: NamedTensor[]): Promise<void> {
      const rest = await this.extractIterations(weightValues);
      this.steps = this.iterations_;
      for (const { name, tensor } of rest) {
        const cut = name.lastIndexOf('/');
        const variable = tf.engine().registeredVariables[name.slice(0, cut)];
        if (!variable) continue;
        this.slotsOf(variable)[name.slice(cut + 1) === 'v' ? 1 : 0]?.assign(tensor);
      }
    }

    getConfig(): tfjs.serialization.ConfigDict {
      return { ...settings, schedule: null, learningRate: this.rate, momentum: this.momentum };
    }

    override dispose(): void {
      for (const slots of this.slots.values()) tf.dispose(slots);
      this.slots.clear();
      super.dispose();
    }
  }

  return new PyTorchOptimizer();
}
