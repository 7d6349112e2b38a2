/** Small pure helpers the diffs share. */
import type { Readable } from '../domain/plan.js';

export function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fields of a readable that changed, for `before`/`after`. */
export function pick(readable: Readable, keys: readonly string[]): Readable {
  return Object.fromEntries(Object.entries(readable).filter(([key]) => keys.includes(key)));
}

/** Unity Catalog names compare case-insensitively (the service stores them lower-cased). */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
