/**
 * Account SCIM (reference §2.1): the account's groups, users and service
 * principals, normalised to the live model. Account groups carry no
 * entitlements (those are per workspace) and their list omits members.
 */
import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import type { LiveGroup, LiveServicePrincipal, LiveUser } from '../domain/live.js';
import type { TokenSource } from './auth.js';
import type { DatabricksHttp } from './http.js';
import {
  complexValueSchema,
  eqFilter,
  memberOperations,
  optionalString,
  SCHEMA_GROUP,
  SCHEMA_SERVICE_PRINCIPAL,
  SCHEMA_USER,
  ScimClient,
} from './scim.js';

export interface AccountScimOptions {
  http: DatabricksHttp;
  auth: TokenSource;
  /** The account host, e.g. `https://accounts.cloud.databricks.com`. */
  baseUrl: string;
  accountId: string;
  pageSize?: number;
}

const groupSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    externalId: optionalString,
    members: z.array(complexValueSchema).nullish(),
  })
  .transform((group): LiveGroup & { memberIds?: string[] } => ({
    id: group.id,
    displayName: group.displayName,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    ...(group.members ? { memberIds: group.members.map((member) => member.value) } : {}),
  }));

const userSchema = z
  .object({
    id: z.string(),
    userName: z.string(),
    displayName: optionalString,
    // SCIM's default; Databricks always sends it.
    active: z.boolean().nullish(),
  })
  .transform(
    (user): LiveUser => ({
      id: user.id,
      userName: user.userName,
      ...(user.displayName ? { displayName: user.displayName } : {}),
      active: user.active ?? true,
    }),
  );

const servicePrincipalSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    displayName: optionalString,
    active: z.boolean().nullish(),
  })
  .transform(
    (sp): LiveServicePrincipal => ({
      id: sp.id,
      applicationId: sp.applicationId,
      displayName: sp.displayName ?? '',
      active: sp.active ?? true,
    }),
  );

const GROUP_LIST_QUERY = { excludedAttributes: 'members' };
const GROUP_GET_QUERY = { attributes: 'id,displayName,externalId,members' };
const USER_QUERY = { attributes: 'id,userName,displayName,active' };
const SP_QUERY = { attributes: 'id,applicationId,displayName,active' };

export type ServicePrincipalQuery = { displayName: string } | { applicationId: string };

export class AccountScim {
  private readonly scim: ScimClient;

  constructor(options: AccountScimOptions) {
    this.scim = new ScimClient({
      http: options.http,
      auth: options.auth,
      family: 'account-scim',
      baseUrl: options.baseUrl,
      prefix: `/api/2.0/accounts/${encodeURIComponent(options.accountId)}/scim/v2`,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
  }

  /** All groups, without members. */
  async listGroups(): Promise<LiveGroup[]> {
    const groups = await this.scim.list('Groups', groupSchema, GROUP_LIST_QUERY);
    return groups.map(withoutMembers);
  }

  /** One group with its member ids (sorted). */
  async getGroup(id: string): Promise<LiveGroup> {
    return withMembers(await this.scim.get('Groups', id, groupSchema, GROUP_GET_QUERY));
  }

  listUsers(): Promise<LiveUser[]> {
    return this.scim.list('Users', userSchema, USER_QUERY);
  }

  listServicePrincipals(): Promise<LiveServicePrincipal[]> {
    return this.scim.list('ServicePrincipals', servicePrincipalSchema, SP_QUERY);
  }

  async findGroupByName(displayName: string): Promise<LiveGroup | undefined> {
    const groups = await this.scim.list('Groups', groupSchema, {
      ...GROUP_LIST_QUERY,
      filter: eqFilter('displayName', displayName),
    });
    const group = pickByName(groups, (g) => g.displayName, displayName);
    return group && withoutMembers(group);
  }

  async findUserByName(userName: string): Promise<LiveUser | undefined> {
    const users = await this.scim.list('Users', userSchema, { ...USER_QUERY, filter: eqFilter('userName', userName) });
    return pickByName(users, (u) => u.userName, userName);
  }

  async findServicePrincipal(query: ServicePrincipalQuery): Promise<LiveServicePrincipal | undefined> {
    const [attribute, value] =
      'applicationId' in query ? ['applicationId', query.applicationId] : ['displayName', query.displayName];
    const sps = await this.scim.list('ServicePrincipals', servicePrincipalSchema, {
      ...SP_QUERY,
      filter: eqFilter(attribute, value),
    });
    return pickByName(sps, (sp) => (attribute === 'applicationId' ? sp.applicationId : sp.displayName), value);
  }

  async createGroup(displayName: string): Promise<LiveGroup> {
    const group = await this.scim.create('Groups', { schemas: [SCHEMA_GROUP], displayName }, groupSchema);
    return withoutMembers(group);
  }

  createUser(user: { userName: string; displayName?: string }): Promise<LiveUser> {
    return this.scim.create(
      'Users',
      { schemas: [SCHEMA_USER], userName: user.userName, ...(user.displayName ? { displayName: user.displayName } : {}) },
      userSchema,
    );
  }

  createServicePrincipal(sp: { displayName: string; applicationId?: string }): Promise<LiveServicePrincipal> {
    return this.scim.create(
      'ServicePrincipals',
      {
        schemas: [SCHEMA_SERVICE_PRINCIPAL],
        displayName: sp.displayName,
        ...(sp.applicationId ? { applicationId: sp.applicationId } : {}),
      },
      servicePrincipalSchema,
    );
  }

  /** One PATCH with every change; nothing is sent when there is none. */
  patchGroupMembers(groupId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<void> {
    return this.scim.patch('Groups', groupId, memberOperations(change));
  }

  /** A group that is already gone counts as deleted, so a retried delete converges. */
  async deleteGroup(id: string): Promise<void> {
    try {
      await this.scim.delete('Groups', id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return;
      throw error;
    }
  }
}

/**
 * An `eq` filter compares the way the server does (case-insensitively for
 * names); prefer an exact match when several come back.
 */
function pickByName<T>(items: T[], name: (item: T) => string, wanted: string): T | undefined {
  return items.find((item) => name(item) === wanted) ?? items.find((item) => name(item).toLowerCase() === wanted.toLowerCase());
}

function withoutMembers(group: LiveGroup & { memberIds?: string[] }): LiveGroup {
  return { id: group.id, displayName: group.displayName, ...(group.externalId ? { externalId: group.externalId } : {}) };
}

function withMembers(group: LiveGroup & { memberIds?: string[] }): LiveGroup {
  return { ...withoutMembers(group), members: [...new Set(group.memberIds ?? [])].sort() };
}
