/**
 * Parsers for the values of command-line flags: each refuses a bad value with a message naming the
 * flag, before any command runs. Kept free of the settings schema (zod) so that declaring the
 * options costs nothing at start-up.
 */
import { InvalidArgumentError } from 'commander';

export function parseInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isInteger(number)) throw new InvalidArgumentError(`${flag} takes a whole number, not "${value}".`);
    return number;
  };
}

export function parseNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError(`${flag} takes a number, not "${value}".`);
    return number;
  };
}

/** What `--augment` sets: the whole augmentation, every part not named off. */
export interface AugmentFlag {
  rotate: number;
  shift: number;
  scale: number;
  shear: number;
  erase: number;
  eraseArea: [number, number];
  eraseRatio: [number, number];
}

const AUGMENT_NUMBERS = ['rotate', 'shift', 'scale', 'shear', 'erase'] as const;
const AUGMENT_RANGES = { 'erase-area': 'eraseArea', 'erase-ratio': 'eraseRatio' } as const;
const AUGMENT_USAGE = '--augment takes "rotate=DEGREES,shift=PIXELS,scale=SHARE,shear=DEGREES,erase=PROBABILITY,erase-area=LOW:HIGH,erase-ratio=LOW:HIGH" (any of them) or "none"';

/**
 * `rotate=7,shift=2`, `scale=0.1,shear=10`, `erase=0.5,erase-area=0.02:0.2`, or `none`. It sets the
 * whole augmentation: what it does not name is off (the file's augmentation is replaced, not
 * added to). Ranges are checked by the settings schema.
 */
export function parseAugment(value: string): AugmentFlag {
  const result: AugmentFlag = { rotate: 0, shift: 0, scale: 0, shear: 0, erase: 0, eraseArea: [0.02, 0.33], eraseRatio: [0.3, 3.3] };
  if (value === 'none') return result;
  const named = new Set<string>();
  for (const part of value.split(',')) {
    const [key, amount, extra] = part.split('=');
    if (key === undefined || amount === undefined || extra !== undefined || amount.trim() === '' || named.has(key)) {
      throw new InvalidArgumentError(`${AUGMENT_USAGE}, not "${value}".`);
    }
    named.add(key);
    if ((AUGMENT_NUMBERS as readonly string[]).includes(key)) {
      const number = Number(amount);
      if (!Number.isFinite(number)) throw new InvalidArgumentError(`${AUGMENT_USAGE}, not "${value}".`);
      result[key as (typeof AUGMENT_NUMBERS)[number]] = number;
    } else if (key in AUGMENT_RANGES) {
      const bounds = amount.split(':').map(Number);
      if (bounds.length !== 2 || !bounds.every(Number.isFinite)) throw new InvalidArgumentError(`--augment ${key} takes LOW:HIGH, not "${amount}".`);
      result[AUGMENT_RANGES[key as keyof typeof AUGMENT_RANGES]] = bounds as [number, number];
    } else {
      throw new InvalidArgumentError(`${AUGMENT_USAGE}, not "${value}".`);
    }
  }
  if (result.erase === 0 && (named.has('erase-area') || named.has('erase-ratio'))) {
    throw new InvalidArgumentError('--augment erase-area and erase-ratio shape the erased rectangle, but erasing is off; add erase=PROBABILITY.');
  }
  return result;
}

/** `10,15`: epochs, whole numbers. */
export function parseMilestones(value: string): number[] {
  const epochs = value.split(',').map((part) => Number(part));
  if (value.trim() === '' || !epochs.every(Number.isInteger)) throw new InvalidArgumentError(`--milestones takes epochs as whole numbers, "10,15", not "${value}".`);
  return epochs;
}

/** `auto`, `none` or a number of images. */
export function parseValidation(value: string): 'auto' | 'none' | number {
  if (value === 'auto' || value === 'none') return value;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number)) throw new InvalidArgumentError(`--validation takes auto, none or a number of images, not "${value}".`);
  return number;
}

/** `--schedule` values; train-options.ts maps them to the settings' schedule types. */
export const SCHEDULE_CHOICES = ['constant', 'step', 'multistep', 'cosine', 'onecycle', 'plateau'];

/** `--threads`: a whole number from 1 to `max`. */
export function parseThreads(max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isInteger(number) || number < 1 || number > max) {
      throw new InvalidArgumentError(`--threads takes a whole number from 1 to ${max}, not "${value}".`);
    }
    return number;
  };
}
