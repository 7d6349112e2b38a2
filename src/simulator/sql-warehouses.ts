/**
 * SQL warehouses over HTTP (reference §5): workspace APIs routed by the
 * workspace header, family `sql-warehouses`. Rules live in warehouse-state.ts.
 *
 * Choices: list pages are keyset over ids (creation order); `page_size`
 * unset or 0 answers everything in one page, as older servers do. Warehouses
 * are RUNNING as soon as they are created or edited; start/stop take effect
 * at once. `odbc_params.hostname` is the host the request was sent to.
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { route, type SimulatorContext } from './pipeline.js';
import { defined, invalid, readBody } from './rest-body.js';
import type { SqlWarehouse, WarehouseSpec } from './warehouse-state.js';

export const WAREHOUSES_PREFIX = '*/api/2.0/sql/warehouses';

const warehouseBody = z.looseObject({
  name: z.string().optional(),
  cluster_size: z.string().optional(),
  min_num_clusters: z.number().int().optional(),
  max_num_clusters: z.number().int().optional(),
  auto_stop_mins: z.number().int().optional(),
  enable_photon: z.boolean().optional(),
  enable_serverless_compute: z.boolean().optional(),
  warehouse_type: z.string().optional(),
  spot_instance_policy: z.string().optional(),
  channel: z.looseObject({ name: z.string().optional(), dbsql_version: z.string().optional() }).optional(),
  // Strict: a map such as {"team":"x"} instead of custom_tags must fail, not vanish.
  tags: z.strictObject({ custom_tags: z.array(z.strictObject({ key: z.string(), value: z.string() })).optional() }).optional(),
  instance_profile_arn: z.string().optional(),
});

function toSpec(body: z.infer<typeof warehouseBody>): WarehouseSpec {
  const spec: WarehouseSpec = defined({
    name: body.name,
    clusterSize: body.cluster_size,
    minNumClusters: body.min_num_clusters,
    maxNumClusters: body.max_num_clusters,
    autoStopMins: body.auto_stop_mins,
    enablePhoton: body.enable_photon,
    enableServerlessCompute: body.enable_serverless_compute,
    warehouseType: body.warehouse_type,
    spotInstancePolicy: body.spot_instance_policy,
    tags: body.tags?.custom_tags,
    instanceProfileArn: body.instance_profile_arn,
  });
  if (body.channel) spec.channel = defined({ name: body.channel.name, dbsqlVersion: body.channel.dbsql_version });
  return spec;
}

export function warehouseInfo(warehouse: SqlWarehouse, hostname: string): Record<string, unknown> {
  const path = `/sql/1.0/warehouses/${warehouse.id}`;
  const tags = Object.entries(warehouse.tags);
  const info: Record<string, unknown> = {
    id: warehouse.id,
    name: warehouse.name,
    cluster_size: warehouse.clusterSize,
    min_num_clusters: warehouse.minNumClusters,
    max_num_clusters: warehouse.maxNumClusters,
    auto_stop_mins: warehouse.autoStopMins,
    enable_photon: warehouse.enablePhoton,
    enable_serverless_compute: warehouse.enableServerlessCompute,
    warehouse_type: warehouse.warehouseType,
    spot_instance_policy: warehouse.spotInstancePolicy,
    channel: defined({ name: warehouse.channel.name, dbsql_version: warehouse.channel.dbsqlVersion }),
    state: warehouse.state,
    num_clusters: warehouse.state === 'RUNNING' ? warehouse.minNumClusters : 0,
    num_active_sessions: 0,
    creator_name: warehouse.creatorName,
    jdbc_url: `jdbc:spark://${hostname}:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=${path};`,
    odbc_params: { hostname, path, port: 443, protocol: 'https' },
    health: { status: 'HEALTHY' },
  };
  if (tags.length > 0) info.tags = { custom_tags: tags.map(([key, value]) => ({ key, value })) };
  if (warehouse.instanceProfileArn !== undefined) info.instance_profile_arn = warehouse.instanceProfileArn;
  return info;
}

function pageSize(url: URL): number | undefined {
  const raw = url.searchParams.get('page_size');
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw invalid(`page_size must be a non-negative integer, got '${raw}'.`);
  return Number(raw) === 0 ? undefined : Number(raw);
}

export function sqlWarehouseHandlers(ctx: SimulatorContext): HttpHandler[] {
  const assets = ctx.state.assets;
  const store = assets.warehouseStore;
  const spec = { family: 'sql-warehouses', workspaceFrom: 'header', authenticate: true } as const;
  const settled = (warehouse: SqlWarehouse) => ctx.now() - warehouse.createdAt >= ctx.faults.listLagMs;

  return [
    route(ctx, 'get', WAREHOUSES_PREFIX, spec, ({ url, workspaceId }) => {
      const size = pageSize(url);
      const token = url.searchParams.get('page_token');
      const after = token ? decodeToken(token) : undefined;
      const rest = store.list(workspaceId!).filter((warehouse) => settled(warehouse) && (after === undefined || warehouse.id > after));
      const page = size === undefined ? rest : rest.slice(0, size);
      const body: Record<string, unknown> = {};
      if (page.length > 0) body.warehouses = page.map((warehouse) => warehouseInfo(warehouse, url.hostname));
      if (page.length < rest.length) body.next_page_token = encodeToken(page.at(-1)!.id);
      return HttpResponse.json(body);
    }),
    route(ctx, 'post', WAREHOUSES_PREFIX, spec, async ({ request, workspaceId }) => {
      const warehouse = assets.createWarehouse(workspaceId!, toSpec(await readBody(request, warehouseBody)));
      return HttpResponse.json({ id: warehouse.id });
    }),
    route(ctx, 'get', `${WAREHOUSES_PREFIX}/:id`, spec, ({ url, params, workspaceId }) =>
      HttpResponse.json(warehouseInfo(store.require(workspaceId!, params.id!), url.hostname)),
    ),
    route(ctx, 'post', `${WAREHOUSES_PREFIX}/:id/edit`, spec, async ({ request, params, workspaceId }) => {
      store.require(workspaceId!, params.id!);
      store.edit(workspaceId!, params.id!, toSpec(await readBody(request, warehouseBody)));
      return HttpResponse.json({});
    }),
    route(ctx, 'delete', `${WAREHOUSES_PREFIX}/:id`, spec, ({ params, workspaceId }) => {
      assets.deleteWarehouse(workspaceId!, params.id!);
      return HttpResponse.json({});
    }),
    route(ctx, 'post', `${WAREHOUSES_PREFIX}/:id/start`, spec, ({ params, workspaceId }) => {
      store.setState(workspaceId!, params.id!, 'RUNNING');
      return HttpResponse.json({});
    }),
    route(ctx, 'post', `${WAREHOUSES_PREFIX}/:id/stop`, spec, ({ params, workspaceId }) => {
      store.setState(workspaceId!, params.id!, 'STOPPED');
      return HttpResponse.json({});
    }),
  ];
}

function encodeToken(afterId: string): string {
  return Buffer.from(JSON.stringify({ after: afterId }), 'utf8').toString('base64url');
}
function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // fall through
  }
  throw invalid('Invalid page_token.');
}
