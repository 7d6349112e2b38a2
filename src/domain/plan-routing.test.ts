// Promise: an operation cannot reach the wrong applier, or none. The table's type is checked by `tsc` (npm run typecheck):
// each @ts-expect-error below must stay an error, or the typecheck fails.
import { describe, expect, it } from 'vitest';
import { routeOperation, unhandled, type Operation, type OperationFamilyTable } from './plan.js';

type WithoutGrants = Omit<OperationFamilyTable, 'updateGrants'>;
const withoutGrants = {} as WithoutGrants;
// @ts-expect-error a table that leaves an operation type out does not compile
export const missingEntry: OperationFamilyTable = withoutGrants;
// @ts-expect-error a table that sends an operation to another family does not compile
export const wrongFamily: OperationFamilyTable = { ...withoutGrants, updateGrants: 'identity' };

describe('routeOperation', () => {
  it('sends each operation to its family', () => {
    const grants: Operation = { type: 'updateGrants', via: 'prod', securable: { type: 'catalog', fullName: 'acme' }, changes: [] };
    expect(routeOperation(grants).family).toBe('unityCatalog');
    expect(routeOperation({ type: 'createGroup', displayName: 'g' }).family).toBe('identity');
    expect(routeOperation({ type: 'deleteNotebook', workspace: 'prod', path: '/x' }).family).toBe('workspaceAssets');
  });

  it('fails loudly, never quietly, on an operation nobody handles', () => {
    expect(() => unhandled({ type: 'dropEverything' } as never, 'operation')).toThrow('operation "dropEverything" has no handler');
  });
});
