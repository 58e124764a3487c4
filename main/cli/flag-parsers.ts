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

/** `rotate=7,shift=2`, `rotate=7`, or `none`. */
export function parseAugment(value: string): { rotate: number; shift: number } {
  const result = { rotate: 0, shift: 0 };
  if (value === 'none') return result;
  for (const part of value.split(',')) {
    const [key, amount, extra] = part.split('=');
    const number = Number(amount);
    if ((key !== 'rotate' && key !== 'shift') || extra !== undefined || amount === undefined || amount.trim() === '' || !Number.isFinite(number)) {
      throw new InvalidArgumentError(`--augment takes "rotate=DEGREES,shift=PIXELS" or "none", not "${value}".`);
    }
    result[key] = number;
  }
  return result;
}

/** `--schedule` values; train-options.ts maps them to the settings' schedule types. */
export const SCHEDULE_CHOICES = ['constant', 'step', 'onecycle', 'plateau'];

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
