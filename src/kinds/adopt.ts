/**
 * Idempotent creates, for every applier: a create that meets "already
 * exists" (409, an *_ALREADY_EXISTS code, or a service that says so in its
 * message, as cluster policies do), or whose answer was lost (no response),
 * looks the object up and adopts it. A retry after a crash or a timeout
 * therefore never makes a duplicate.
 */
import { mayAlreadyExist } from '../domain/errors.js';

/** `adopted` tells the caller to set the declared fields the create would have set. */
export async function createOrAdopt<T>(
  create: () => Promise<T>,
  find: () => Promise<T | null | undefined>,
): Promise<{ value: T; adopted: boolean }> {
  try {
    return { value: await create(), adopted: false };
  } catch (error) {
    if (!mayAlreadyExist(error)) throw error;
    const existing = await find();
    if (existing === null || existing === undefined) throw error;
    return { value: existing, adopted: true };
  }
}
