/**
 * Request helpers for every simulated REST family: JSON bodies checked with
 * zod, 400 `INVALID_PARAMETER_VALUE` for anything malformed, and `defined`
 * for handing parsed bodies to the state classes.
 */
// One body reader for every family: the same 400s, and int64 ids read exactly where a family needs it.
export { flag, invalid, readBody } from './uc-http.js';

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
/** Drops `undefined` values so parsed bodies fit `exactOptionalPropertyTypes` inputs. */
export function defined<T extends Record<string, unknown>>(record: T): Defined<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Defined<T>;
}
