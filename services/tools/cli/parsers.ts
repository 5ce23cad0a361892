// Value parsers for commander options and arguments: a value that does not parse is refused by commander
// with the option's name (exit 2), before any command runs.
import { InvalidArgumentError } from 'commander';

/** A number > 0 (seconds, rates). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Expected a positive number.');
  }
  return n;
}

/** An integer ≥ 1 (counts). */
export function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('Expected a positive integer.');
  return Number(value);
}

/** An integer ≥ 0 (partitions). */
export function naturalNumber(value: string): number {
  if (!/^(0|[1-9]\d*)$/.test(value)) throw new InvalidArgumentError('Expected an integer ≥ 0.');
  return Number(value);
}

/** A parser whose errors become commander's (the message of what `parse` threw). */
export function refusing<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw err;
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}
