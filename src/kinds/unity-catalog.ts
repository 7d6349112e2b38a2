/**
 * The Unity Catalog kinds: each customer's catalog, its bindings and
 * isolation, its schemas, its external locations, and the grants on them.
 * Their diff is kinds/unity-catalog-diff.ts; their writes go through the
 * customer's home workspace (`via`). Creates adopt an object that already
 * exists (a retry after a lost answer, or a 409); deletes never force, so
 * a catalog, schema or location someone filled with their own data refuses
 * the delete and is reported instead of emptied.
 *
 * Catalogs, schemas and external locations are owned; they are named by the
 * metastore, whichever workspace reaches them.
 */
import { homeWorkspace, workspaceRef, type DesiredState } from '../domain/desired.js';
import { ownedNames, type OwnedObject } from '../domain/inventory.js';
import type { UnityCatalogScope } from '../live/observe-unity-catalog.js';
import { createOrAdopt } from './adopt.js';
import type { FamilyReadScope, ReadScopeInput, ResourceKind } from './contract.js';
import { optional, sameName } from './values.js';

/** Each customer's Unity Catalog objects, reached through its home workspace. */
function declaredInHome(desired: DesiredState, objects: (customer: DesiredState['customers'][number]) => { kind: OwnedObject['kind']; name: string }[]): OwnedObject[] {
  return desired.customers.flatMap((customer) => objects(customer).map((o) => ({ ...o, customer: customer.name, workspace: homeWorkspace(customer) })));
}


export const catalogKind: ResourceKind<'catalog', 'unityCatalog'> = {
  kind: 'catalog',
  family: 'unityCatalog',
  operations: {
    createCatalog: {
      apply: async (op, session) => {
        const uc = session.client(op.via);
        const comment = optional('comment', op.comment);
        const { adopted } = await createOrAdopt(() => uc.createCatalog({ name: op.name, ...comment }), () => uc.getCatalog(op.name));
        // An adopted object gets the declared fields the create would have set.
        if (adopted && op.comment !== undefined) await uc.updateCatalog(op.name, comment);
      },
      owns: (op) => ({ kind: 'catalog', name: op.name, workspace: op.via }),
    },
    updateCatalog: {
      apply: async (op, session) => void (await session.client(op.via).updateCatalog(op.name, { comment: op.comment })),
      owns: () => null,
    },
    deleteCatalog: {
      // Never with force: a catalog that holds schemas onboarder did not make is reported, not emptied.
      apply: (op, session) => session.client(op.via).deleteCatalog(op.name),
      owns: (op) => ({ kind: 'catalog', name: op.name, workspace: op.via }),
    },
  },
  ownership: {
    owned: 'catalog',
    // Read one by one: a direct read's 404 is trusted at once.
    listed: false,
    declared: (desired) => declaredInHome(desired, (c) => (c.catalog ? [{ kind: 'catalog', name: c.catalog.name }] : [])),
    prune: (object, { live, planned }) => {
      const catalog = live.unityCatalog.catalogs.find((c) => sameName(c.name, object.name));
      if (!catalog) return { outcome: 'absent' };
      // Isolated away from the workspace that reaches it: it cannot be read, so nothing is decided.
      if (!catalog.accessible) return { outcome: 'keep' };
      // Its schemas' deletes run first (an earlier wave): a catalog that still holds them refuses the delete.
      const prefix = `${catalog.name.toLowerCase()}.`;
      const schemaDeletes = planned.filter((a) => a.op.type === 'deleteSchema' && a.op.fullName.toLowerCase().startsWith(prefix)).map((a) => a.id);
      return {
        outcome: 'delete',
        target: catalog.name,
        before: { isolation: catalog.isolation },
        op: { type: 'deleteCatalog', via: object.workspace!, name: catalog.name },
        dependsOn: schemaDeletes,
      };
    },
  },
};

export const catalogBindingsKind: ResourceKind<'catalog-bindings', 'unityCatalog'> = {
  kind: 'catalog-bindings',
  family: 'unityCatalog',
  operations: {
    updateBindings: {
      apply: (op, session) =>
        session.client(op.via).updateBindings('catalog', op.catalog, {
          add: op.add.map((b) => ({ workspaceId: b.workspaceId, bindingType: b.bindingType })),
          remove: op.remove.map((b) => b.workspaceId),
        }),
      owns: () => null,
    },
  },
  // A catalog's bindings are part of the catalog: they leave with it.
  ownership: null,
};

export const catalogIsolationKind: ResourceKind<'catalog-isolation', 'unityCatalog'> = {
  kind: 'catalog-isolation',
  family: 'unityCatalog',
  operations: {
    setCatalogIsolation: {
      apply: async (op, session) => void (await session.client(op.via).updateCatalog(op.name, { isolation: op.isolation })),
      owns: () => null,
    },
  },
  ownership: null,
};

export const schemaKind: ResourceKind<'schema', 'unityCatalog'> = {
  kind: 'schema',
  family: 'unityCatalog',
  operations: {
    createSchema: {
      apply: async (op, session) => {
        const uc = session.client(op.via);
        const comment = optional('comment', op.comment);
        // Also the `default` schema, which every new catalog already has.
        const { adopted } = await createOrAdopt(
          () => uc.createSchema({ catalogName: op.catalog, name: op.name, ...comment }),
          async () => (await uc.listSchemas(op.catalog)).find((s) => sameName(s.name, op.name)),
        );
        if (adopted && op.comment !== undefined) await uc.updateSchema(`${op.catalog}.${op.name}`, comment);
      },
      owns: (op) => ({ kind: 'schema', name: `${op.catalog}.${op.name}`, workspace: op.via }),
    },
    updateSchema: {
      apply: async (op, session) => void (await session.client(op.via).updateSchema(op.fullName, { comment: op.comment })),
      owns: () => null,
    },
    deleteSchema: {
      // Never with force: a schema that still holds tables is reported, not emptied.
      apply: (op, session) => session.client(op.via).deleteSchema(op.fullName),
      owns: (op) => ({ kind: 'schema', name: op.fullName, workspace: op.via }),
    },
  },
  ownership: {
    owned: 'schema',
    listed: true,
    declared: (desired) =>
      declaredInHome(desired, (c) => (c.catalog ? c.catalog.schemas.map((s) => ({ kind: 'schema', name: `${c.catalog!.name}.${s.name}` })) : [])),
    prune: (object, { desired, live }) => {
      const catalogName = object.name.toLowerCase().split('.')[0]!;
      const catalog = live.unityCatalog.catalogs.find((c) => c.name.toLowerCase() === catalogName);
      if (catalog && !catalog.accessible) return { outcome: 'keep' };
      const schema = catalog?.schemas.find((s) => sameName(s.fullName, object.name));
      if (!schema) return { outcome: 'absent' };
      // In a catalog still declared, the Unity Catalog diff deletes it (after revoking its grants).
      if (desired.customers.some((c) => c.catalog !== undefined && c.catalog.name.toLowerCase() === catalogName)) return { outcome: 'keep' };
      return {
        outcome: 'delete',
        target: schema.fullName,
        before: { comment: schema.comment ?? null },
        op: { type: 'deleteSchema', via: object.workspace!, fullName: schema.fullName },
      };
    },
  },
};

export const externalLocationKind: ResourceKind<'external-location', 'unityCatalog'> = {
  kind: 'external-location',
  family: 'unityCatalog',
  operations: {
    createExternalLocation: {
      apply: async (op, session) => {
        const uc = session.client(op.via);
        const fields = { url: op.url, credentialName: op.credential, readOnly: op.readOnly, ...optional('comment', op.comment) };
        const { adopted } = await createOrAdopt(() => uc.createExternalLocation({ name: op.name, ...fields }), () => uc.getExternalLocation(op.name));
        if (adopted) await uc.updateExternalLocation(op.name, fields);
      },
      owns: (op) => ({ kind: 'external-location', name: op.name, workspace: op.via }),
    },
    updateExternalLocation: {
      apply: async (op, session) => {
        const { credential, ...rest } = op.patch;
        await session.client(op.via).updateExternalLocation(op.name, { ...rest, ...(credential === undefined ? {} : { credentialName: credential }) });
      },
      owns: () => null,
    },
    deleteExternalLocation: {
      // Without force, a location that tables or volumes still use refuses the delete.
      apply: (op, session) => session.client(op.via).deleteExternalLocation(op.name),
      owns: (op) => ({ kind: 'external-location', name: op.name, workspace: op.via }),
    },
  },
  ownership: {
    owned: 'external-location',
    listed: false,
    declared: (desired) => declaredInHome(desired, (c) => c.externalLocations.map((l) => ({ kind: 'external-location', name: l.name }))),
    prune: (object, { live }) => {
      const location = live.unityCatalog.externalLocations.find((l) => sameName(l.name, object.name));
      if (!location) return { outcome: 'absent' };
      return { outcome: 'delete', target: location.name, before: { url: location.url }, op: { type: 'deleteExternalLocation', via: object.workspace!, name: location.name } };
    },
  },
};

export const grantsKind: ResourceKind<'grants', 'unityCatalog'> = {
  kind: 'grants',
  family: 'unityCatalog',
  operations: {
    updateGrants: {
      apply: (op, session) =>
        session.grantWhenVisible(
          () => session.client(op.via).updateGrants(op.securable.type, op.securable.fullName, op.changes),
          op.changes.filter((c) => c.add.length > 0).map((c) => c.principal),
        ),
      owns: () => null,
    },
  },
  // Grants belong to their securable: they are revoked by the diff, or leave with it.
  ownership: null,
};

/**
 * What the Unity Catalog family reads, per customer through its home
 * workspace: its catalog (declared and owned schemas) and locations; and the
 * owned catalogs and locations leaving, through the workspace that reached them.
 */
export function unityCatalogReads({ desired, inventory, leaving }: ReadScopeInput): FamilyReadScope['unityCatalog'] {
  const ownedSchemas = [...ownedNames(inventory, 'schema').keys()];
  const schemasOf = (catalog: string) => ownedSchemas.filter((s) => s.startsWith(`${catalog.toLowerCase()}.`)).map((s) => s.slice(catalog.length + 1));
  return { unityCatalog: [...declaredUnityCatalog(desired, schemasOf), ...leavingUnityCatalog(desired, leaving, schemasOf)] };
}

/** Per customer with Unity Catalog objects: its catalog (declared and owned schemas) and locations, through its home workspace. */
function declaredUnityCatalog(desired: DesiredState, schemasOf: (catalog: string) => string[]): UnityCatalogScope[] {
  return desired.customers
    .filter((customer) => customer.catalog !== undefined || customer.externalLocations.length > 0)
    .map((customer) => {
      const catalog = customer.catalog;
      return {
        via: workspaceRef(desired, homeWorkspace(customer)),
        ...(catalog ? { catalog: { name: catalog.name, schemas: [...catalog.schemas.map((s) => s.name), ...schemasOf(catalog.name)] } } : {}),
        externalLocations: customer.externalLocations.map((l) => l.name),
      };
    });
}

/** Owned catalogs (with their owned schemas) and locations no longer declared, through the workspace that reached them. */
function leavingUnityCatalog(desired: DesiredState, leaving: readonly OwnedObject[], schemasOf: (catalog: string) => string[]): UnityCatalogScope[] {
  const declaredCatalogs = new Set(desired.customers.flatMap((c) => (c.catalog ? [c.catalog.name.toLowerCase()] : [])));
  const catalogs = leaving
    .filter((o) => o.kind === 'catalog' && !declaredCatalogs.has(o.name.toLowerCase()))
    .map((o) => ({ via: workspaceRef(desired, o.workspace!), catalog: { name: o.name, schemas: schemasOf(o.name) }, externalLocations: [] }));
  const locationsByWorkspace = new Map<string, string[]>();
  for (const o of leaving.filter((l) => l.kind === 'external-location')) {
    locationsByWorkspace.set(o.workspace!, [...(locationsByWorkspace.get(o.workspace!) ?? []), o.name]);
  }
  const locations = [...locationsByWorkspace].map(([via, names]) => ({ via: workspaceRef(desired, via), externalLocations: names }));
  return [...catalogs, ...locations];
}
