/**
 * SQL warehouses of every workspace (reference §5), as stored records with
 * the API's rules. `edit` is a full replacement (the reference leaves it
 * UNVERIFIED and says to treat it so): every field the request omits goes
 * back to its default, so a client that sends partial edits loses settings
 * here instead of in production. Mutating a returned record is drift.
 *
 * `cluster_size` is required on create and edit (there is no default size).
 * Names are unique per workspace, compared exactly (case-sensitive).
 */
import { SimulatorStateError } from './state-error.js';

export const CLUSTER_SIZES = ['2X-Small', 'X-Small', 'Small', 'Medium', 'Large', 'X-Large', '2X-Large', '3X-Large', '4X-Large', '5X-Large'] as const;
export const WAREHOUSE_TYPES = ['PRO', 'CLASSIC', 'TYPE_UNSPECIFIED'] as const;
export const SPOT_INSTANCE_POLICIES = ['COST_OPTIMIZED', 'RELIABILITY_OPTIMIZED', 'POLICY_UNSPECIFIED'] as const;
export const CHANNEL_NAMES = ['CHANNEL_NAME_CURRENT', 'CHANNEL_NAME_PREVIEW', 'CHANNEL_NAME_PREVIOUS', 'CHANNEL_NAME_CUSTOM'] as const;
const MAX_TAGS = 44;

export type WarehouseState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'DELETING' | 'DELETED';

export interface WarehouseChannel {
  name: string;
  dbsqlVersion?: string;
}

export interface SqlWarehouse {
  readonly id: string;
  name: string;
  clusterSize: string;
  minNumClusters: number;
  maxNumClusters: number;
  autoStopMins: number;
  enablePhoton: boolean;
  enableServerlessCompute: boolean;
  warehouseType: string;
  spotInstancePolicy: string;
  channel: WarehouseChannel;
  /** Custom tags; the wire shape is `{"custom_tags":[{"key","value"}]}`. */
  tags: Record<string, string>;
  instanceProfileArn?: string;
  state: WarehouseState;
  creatorName: string;
  createdAt: number;
}

/** What create and edit accept (camelCase); omitted fields take their defaults. */
export interface WarehouseSpec {
  name?: string;
  clusterSize?: string;
  minNumClusters?: number;
  maxNumClusters?: number;
  autoStopMins?: number;
  enablePhoton?: boolean;
  enableServerlessCompute?: boolean;
  warehouseType?: string;
  spotInstancePolicy?: string;
  channel?: { name?: string; dbsqlVersion?: string };
  /** A list, as on the wire, so duplicate keys can be refused. */
  tags?: readonly { key: string; value: string }[];
  instanceProfileArn?: string;
}

type Settings = Omit<SqlWarehouse, 'id' | 'state' | 'creatorName' | 'createdAt'>;

function invalid(message: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', message, 'INVALID_PARAMETER_VALUE');
}

function oneOf(field: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw invalid(`${field} '${value}' is not supported; use one of ${allowed.join(', ')}.`);
  return value;
}

/** Applies defaults and every rule of §5; throws on the first violation. */
export function resolveWarehouseSpec(spec: WarehouseSpec): Settings {
  const name = spec.name ?? '';
  if (name.trim() === '') throw invalid('name is required.');
  if (name.length >= 100) throw invalid(`name must be shorter than 100 characters, got ${name.length}.`);
  if (spec.clusterSize === undefined) throw invalid(`cluster_size is required; use one of ${CLUSTER_SIZES.join(', ')}.`);
  const clusterSize = oneOf('cluster_size', spec.clusterSize, CLUSTER_SIZES);
  const minNumClusters = spec.minNumClusters ?? 1;
  if (minNumClusters < 1 || minNumClusters > 30) throw invalid(`min_num_clusters must be between 1 and 30, got ${minNumClusters}.`);
  const maxNumClusters = spec.maxNumClusters ?? minNumClusters;
  if (maxNumClusters < minNumClusters || maxNumClusters > 40) {
    throw invalid(`max_num_clusters must be between min_num_clusters (${minNumClusters}) and 40, got ${maxNumClusters}.`);
  }
  const autoStopMins = spec.autoStopMins ?? 120;
  if (autoStopMins !== 0 && autoStopMins < 10) throw invalid(`auto_stop_mins must be 0 (never stop) or at least 10, got ${autoStopMins}.`);
  const warehouseType = oneOf('warehouse_type', spec.warehouseType ?? 'CLASSIC', WAREHOUSE_TYPES);
  const enableServerlessCompute = spec.enableServerlessCompute ?? false;
  if (enableServerlessCompute && warehouseType !== 'PRO') {
    throw invalid(`enable_serverless_compute requires warehouse_type PRO, got ${warehouseType}.`);
  }
  const channel: WarehouseChannel = { name: oneOf('channel.name', spec.channel?.name ?? 'CHANNEL_NAME_CURRENT', CHANNEL_NAMES) };
  if (spec.channel?.dbsqlVersion !== undefined) channel.dbsqlVersion = spec.channel.dbsqlVersion;
  const settings: Settings = {
    name,
    clusterSize,
    minNumClusters,
    maxNumClusters,
    autoStopMins,
    enablePhoton: spec.enablePhoton ?? true,
    enableServerlessCompute,
    warehouseType,
    spotInstancePolicy: oneOf('spot_instance_policy', spec.spotInstancePolicy ?? 'COST_OPTIMIZED', SPOT_INSTANCE_POLICIES),
    channel,
    tags: resolveTags(spec.tags ?? []),
  };
  if (spec.instanceProfileArn !== undefined) settings.instanceProfileArn = spec.instanceProfileArn;
  return settings;
}

function resolveTags(tags: readonly { key: string; value: string }[]): Record<string, string> {
  if (tags.length > MAX_TAGS) throw invalid(`tags.custom_tags must hold fewer than 45 tags, got ${tags.length}.`);
  const resolved: Record<string, string> = {};
  for (const { key, value } of tags) {
    if (key === '') throw invalid('A tag key cannot be empty.');
    if (Object.hasOwn(resolved, key)) throw invalid(`Duplicate tag key '${key}' in tags.custom_tags.`);
    resolved[key] = value;
  }
  return resolved;
}

export class WarehouseStore {
  private readonly byWorkspace = new Map<string, Map<string, SqlWarehouse>>();

  constructor(
    private readonly now: () => number,
    private readonly allocateId: () => string,
  ) {}

  /** Sorted by id (ids grow with creation), the order pages follow. */
  list(workspaceId: string): SqlWarehouse[] {
    return [...this.of(workspaceId).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  get(workspaceId: string, id: string): SqlWarehouse | undefined {
    return this.of(workspaceId).get(id);
  }
  find(workspaceId: string, name: string): SqlWarehouse | undefined {
    return this.list(workspaceId).find((warehouse) => warehouse.name === name);
  }
  require(workspaceId: string, id: string): SqlWarehouse {
    const warehouse = this.get(workspaceId, id);
    if (!warehouse) throw new SimulatorStateError('NOT_FOUND', `SQL warehouse ${id} does not exist.`);
    return warehouse;
  }

  create(workspaceId: string, spec: WarehouseSpec, creatorName: string): SqlWarehouse {
    const settings = resolveWarehouseSpec(spec);
    this.checkUnique(workspaceId, settings.name, undefined);
    const warehouse: SqlWarehouse = { id: this.allocateId(), ...settings, state: 'RUNNING', creatorName, createdAt: this.now() };
    this.of(workspaceId).set(warehouse.id, warehouse);
    return warehouse;
  }

  /** Full replacement of the settings; id, state, creator and creation time stay. */
  edit(workspaceId: string, id: string, spec: WarehouseSpec): SqlWarehouse {
    const warehouse = this.require(workspaceId, id);
    const settings = resolveWarehouseSpec(spec);
    this.checkUnique(workspaceId, settings.name, id);
    delete warehouse.instanceProfileArn;
    return Object.assign(warehouse, settings);
  }

  delete(workspaceId: string, id: string): void {
    this.require(workspaceId, id);
    this.of(workspaceId).delete(id);
  }

  /** Start and stop take effect at once; the SDK waiters see the final state on their first poll. */
  setState(workspaceId: string, id: string, state: WarehouseState): void {
    this.require(workspaceId, id).state = state;
  }

  private checkUnique(workspaceId: string, name: string, exceptId: string | undefined): void {
    const clash = this.find(workspaceId, name);
    if (clash && clash.id !== exceptId) {
      throw new SimulatorStateError('INVALID', `SQL warehouse with name '${name}' already exists`, 'RESOURCE_ALREADY_EXISTS');
    }
  }
  private of(workspaceId: string): Map<string, SqlWarehouse> {
    let warehouses = this.byWorkspace.get(workspaceId);
    if (!warehouses) this.byWorkspace.set(workspaceId, (warehouses = new Map()));
    return warehouses;
  }
}
