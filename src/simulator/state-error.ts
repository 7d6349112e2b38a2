/**
 * The simulator's state error, in a module of its own: every state store
 * throws it and state.ts composes the stores, so it cannot live in state.ts
 * without an import cycle.
 */
export type StateErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID';

export class SimulatorStateError extends Error {
  constructor(
    readonly code: StateErrorCode,
    message: string,
    /** The API's own `error_code` when it is more specific than `code` (Unity Catalog's `CATALOG_DOES_NOT_EXIST`, ...). */
    readonly errorCode?: string,
  ) {
    super(message);
    this.name = 'SimulatorStateError';
  }
}
