/**
 * Reads the Keras scripts the exporter writes: one `var = layers.Name(args)(inputs)` line per
 * layer, turned into the class name, a config in TensorFlow.js' JSON spelling and the names of
 * the layers feeding it, so a script can be compared with the model the studio compiles.
 */
import { splitTopLevel } from './pytorch-source.ts';

export interface KerasCall {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
}

/** A Python literal as JSON: tuples become lists, True/False booleans, strings unquoted. */
function literal(text: string): unknown {
  const t = text.trim();
  if (t === 'True' || t === 'False') return t === 'True';
  if (t.startsWith('"')) return JSON.parse(t);
  if (t.startsWith('(')) return splitTopLevel(t.slice(1, -1)).map(literal);
  const value = Number(t);
  if (Number.isNaN(value)) throw new Error(`cannot read the literal ${t}`);
  return value;
}

/** Positional arguments, by layer class, in Keras' order. */
const POSITIONAL: Record<string, string[]> = {
  Conv2D: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  Dense: ['units'],
  Dropout: ['rate'],
  Activation: ['activation'],
  LeakyReLU: ['alpha'],
};

export function parseKerasScript(source: string): KerasCall[] {
  const producers = new Map<string, string>();
  const calls: KerasCall[] = [];
  for (const line of source.split('\n')) {
    const input = /^inputs = keras\.Input\(shape=\((.*)\), name=(".*")\)$/.exec(line);
    if (input) {
      const name = JSON.parse(input[2]!) as string;
      producers.set('inputs', name);
      calls.push({ name, className: 'InputLayer', config: { batch_input_shape: [null, ...input[1]!.split(', ').map(Number)] }, inputs: [] });
      continue;
    }
    const match = /^(\w+) = layers\.(\w+)\((.*)\)\((.*)\)$/.exec(line);
    if (!match) continue;
    const [, target, className, args, sources] = match as unknown as [string, string, string, string, string];
    const config: Record<string, unknown> = {};
    splitTopLevel(args).forEach((arg, index) => {
      const keyword = /^(\w+)=(.*)$/.exec(arg);
      if (keyword) config[keyword[1]!] = literal(keyword[2]!);
      else config[POSITIONAL[className]![index]!] = literal(arg);
    });
    const inputs = (sources.startsWith('[') ? splitTopLevel(sources.slice(1, -1)) : [sources]).map((variable) => {
      const producer = producers.get(variable);
      if (producer === undefined) throw new Error(`${line}: ${variable} is read before it is set`);
      return producer;
    });
    const name = config.name as string;
    delete config.name;
    producers.set(target, name);
    calls.push({ name, className, config, inputs });
  }
  return calls;
}
