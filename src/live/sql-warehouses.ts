/**
 * SQL warehouses (reference §5). `edit` is treated as a full replacement, so
 * every call carries the whole desired object, zero and false included
 * (otherwise `auto_stop_mins: 0` would silently fall back to the default).
 */
import { z } from 'zod';
import type { WarehouseSpec } from '../domain/plan.js';
import { segment } from './http.js';
import { ignoreNotFound, invalidResponse, listAllPages, orNull, REPEATED_PAGE_TOKEN, workspaceRequester, type WorkspaceClientOptions } from './workspace-api.js';

export type { WarehouseSpec } from '../domain/plan.js';

export interface WarehouseInfo extends WarehouseSpec {
  id: string;
  warehouseType?: string;
  state?: string;
}

const PATH = '/api/2.0/sql/warehouses';
const DEFAULT_PAGE_SIZE = 100;

const warehouseSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    cluster_size: z.string().nullish(),
    min_num_clusters: z.number().int().nullish(),
    max_num_clusters: z.number().int().nullish(),
    auto_stop_mins: z.number().int().nullish(),
    enable_serverless_compute: z.boolean().nullish(),
    warehouse_type: z.string().nullish(),
    state: z.string().nullish(),
    tags: z.looseObject({ custom_tags: z.array(z.looseObject({ key: z.string(), value: z.string() })).nullish() }).nullish(),
  })
  .transform((w): WarehouseInfo => {
    // Absent fields are the service's defaults (§5).
    const min = w.min_num_clusters ?? 1;
    const info: WarehouseInfo = {
      id: w.id,
      name: w.name,
      clusterSize: w.cluster_size ?? '',
      minNumClusters: min,
      maxNumClusters: w.max_num_clusters ?? min,
      autoStopMins: w.auto_stop_mins ?? 120,
      enableServerlessCompute: w.enable_serverless_compute ?? false,
      tags: Object.fromEntries((w.tags?.custom_tags ?? []).map((t) => [t.key, t.value])),
    };
    if (w.warehouse_type) info.warehouseType = w.warehouse_type;
    if (w.state) info.state = w.state;
    return info;
  });

const listSchema = z.looseObject({ warehouses: z.array(warehouseSchema).nullish(), next_page_token: z.string().nullish() });
const createdSchema = z.looseObject({ id: z.string() });
const anyBody = z.unknown();

export class SqlWarehouses {
  private readonly call;

  constructor(
    options: WorkspaceClientOptions,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
  ) {
    this.call = workspaceRequester(options, 'sql-warehouses');
  }

  /** Every page; servers without pagination answer everything at once, without a token. */
  async list(): Promise<WarehouseInfo[]> {
    return listAllPages(
      (token) => this.call({ method: 'GET', path: PATH, schema: listSchema, query: { page_size: this.pageSize, page_token: token } }),
      (page) => page.warehouses,
      () => invalidResponse('sql-warehouses', 'GET', PATH, REPEATED_PAGE_TOKEN),
    );
  }

  get(id: string): Promise<WarehouseInfo | null> {
    return orNull(this.call({ method: 'GET', path: `${PATH}/${segment(id)}`, schema: warehouseSchema }));
  }

  create(spec: WarehouseSpec): Promise<{ id: string }> {
    return this.call({ method: 'POST', path: PATH, body: wireSpec(spec), schema: createdSchema });
  }

  async edit(id: string, spec: WarehouseSpec): Promise<void> {
    await this.call({ method: 'POST', path: `${PATH}/${segment(id)}/edit`, body: wireSpec(spec), schema: anyBody });
  }

  delete(id: string): Promise<void> {
    return ignoreNotFound(this.call({ method: 'DELETE', path: `${PATH}/${segment(id)}`, schema: anyBody }));
  }
}

function wireSpec(spec: WarehouseSpec): Record<string, unknown> {
  return {
    name: spec.name,
    cluster_size: spec.clusterSize,
    min_num_clusters: spec.minNumClusters,
    max_num_clusters: spec.maxNumClusters,
    auto_stop_mins: spec.autoStopMins,
    enable_serverless_compute: spec.enableServerlessCompute,
    // Serverless needs PRO, and PRO runs classic compute too: one type for every warehouse.
    warehouse_type: 'PRO',
    tags: {
      custom_tags: Object.entries(spec.tags)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
    },
  };
}
