/**
 * Request helpers for the plain REST families (warehouses, policies,
 * workspace objects, permissions): JSON bodies checked with zod, 400
 * `INVALID_PARAMETER_VALUE` for anything malformed. Kept apart from the
 * Unity Catalog helpers so the two families can evolve independently.
 */
import type { z } from 'zod';
import { ApiError } from './pipeline.js';

export function invalid(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

export async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const text = await request.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`Invalid request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body'}`);
  }
  return parsed.data;
}

export function flag(url: URL, name: string): boolean {
  return url.searchParams.get(name)?.toLowerCase() === 'true';
}

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
/** Drops `undefined` values so parsed bodies fit `exactOptionalPropertyTypes` inputs. */
export function defined<T extends Record<string, unknown>>(record: T): Defined<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Defined<T>;
}
