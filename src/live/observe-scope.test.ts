// Promise: one pass reads what the desired state declares and what onboarder owns that is leaving it, each family its own part.
import { describe, expect, it } from 'vitest';
import { loadExampleState } from '../../test/support/example-state.js';
import type { Inventory, OwnedObject } from '../domain/inventory.js';
import { observeScope } from './observe-scope.js';

const example = await loadExampleState();
const prod = example.workspaces[0]!.name;
const acme = example.customers.find((c) => c.catalog !== undefined)!;

function owned(objects: OwnedObject[]): Inventory {
  return { objects };
}

describe('the observe scope', () => {
  it("puts together every family's reads of the declared objects", () => {
    const scope = observeScope(example, { objects: [] });
    expect(scope.workspaces.map((w) => w.name)).toEqual(example.workspaces.map((w) => w.name));
    expect(scope.managedGroupNames).toEqual(example.groups.map((g) => g.displayName));
    const acmeCatalog = scope.unityCatalog?.find((uc) => uc.catalog?.name === acme.catalog!.name);
    expect(acmeCatalog?.catalog?.schemas).toEqual(acme.catalog!.schemas.map((s) => s.name));
    expect(acmeCatalog?.externalLocations).toEqual(acme.externalLocations.map((l) => l.name));
    const assets = scope.workspaceAssets?.find((w) => w.workspace.name === prod);
    expect(assets?.warehouses).toEqual(example.customers.flatMap((c) => c.warehouses.map((w) => w.name)));
  });

  it('also reads the owned objects leaving the desired state, but not those whose workspace left too', () => {
    const inventory = owned([
      { kind: 'warehouse', name: 'retired-bi', customer: acme.name, workspace: prod },
      { kind: 'warehouse', name: 'elsewhere-bi', customer: acme.name, workspace: 'gone-workspace' },
      { kind: 'catalog', name: 'retired_catalog', customer: acme.name, workspace: prod },
      { kind: 'schema', name: 'retired_catalog.raw', customer: acme.name, workspace: prod },
      { kind: 'schema', name: `${acme.catalog!.name}.retired`, customer: acme.name, workspace: prod },
      { kind: 'external-location', name: 'retired_location', customer: acme.name, workspace: prod },
    ]);
    const scope = observeScope(example, inventory);
    const assets = scope.workspaceAssets?.find((w) => w.workspace.name === prod);
    expect(assets?.warehouses).toContain('retired-bi');
    expect(scope.workspaceAssets?.flatMap((w) => w.warehouses)).not.toContain('elsewhere-bi');
    expect(scope.unityCatalog).toContainEqual(expect.objectContaining({ via: expect.objectContaining({ name: prod }), catalog: { name: 'retired_catalog', schemas: ['raw'] } }));
    expect(scope.unityCatalog?.find((uc) => uc.catalog?.name === acme.catalog!.name)?.catalog?.schemas).toContain('retired');
    expect(scope.unityCatalog?.flatMap((uc) => uc.externalLocations)).toContain('retired_location');
  });
});
