/**
 * What the Databricks service refuses, so that the loader refuses it first:
 * a revision that breaks one of these would pass validation and then fail
 * its plan at apply time. One entry per limit, each with the source of its
 * figure (reference = ../shared/reference/databricks-api.md).
 *
 * Deliberately absent, because no documented figure was found: lengths of
 * group and service principal display names, of workspace paths and their
 * segments, and the length and characters of tag keys and values (the
 * documented ones are the clouds', not Databricks').
 */
import type { z } from 'zod';
import type { IssueCode } from '../domain/issue-codes.js';

export interface ServiceLimit {
  readonly max: number;
  /** What the limit bounds, for messages: "the <what> limit". */
  readonly what: string;
}

/**
 * Unity Catalog object names (catalogs, schemas, external locations): "Object
 * names cannot exceed 255 characters", and no period, space, forward slash,
 * ASCII control character or DELETE. Source: docs.databricks.com
 * data-governance/unity-catalog/requirements ("Securable object naming
 * requirements"). The schema's [a-z0-9_] pattern already excludes those characters.
 */
export const UNITY_CATALOG_NAME: ServiceLimit = { max: 255, what: 'Unity Catalog name' };

/** SQL warehouse `name`: "<100 chars" (reference §5, from sdk-go service/sql model.go). */
export const SQL_WAREHOUSE_NAME: ServiceLimit = { max: 99, what: 'SQL warehouse name' };

/** Cluster policy `name`: "1–100 chars" (reference §6, from sdk-go service/compute model.go). */
export const CLUSTER_POLICY_NAME: ServiceLimit = { max: 100, what: 'cluster policy name' };

/**
 * SQL warehouse custom tags: "Number of tags < 45" (reference §5; sdk-go
 * service/sql model.go CreateWarehouseRequest.Tags: "Supported values:
 * - Number of tags < 45"). Counted after the customer's tags are merged in.
 */
export const SQL_WAREHOUSE_TAGS: ServiceLimit = { max: 44, what: 'SQL warehouse custom tag count' };

/**
 * Cluster custom tags: "Currently, Databricks allows at most 45 custom tags"
 * (sdk-go/sdk-py service/compute ClusterSpec.custom_tags). A policy that fixes
 * more `custom_tags.*` than that (its own plus the customer's forced ones)
 * makes every cluster created under it fail.
 */
export const CLUSTER_CUSTOM_TAGS: ServiceLimit = { max: 45, what: 'cluster custom tag count' };

/**
 * Workspace import `content`: "The base64-encoded content. This has a limit of
 * 10 MB. If the limit (10MB) is exceeded, exception with error code
 * MAX_NOTEBOOK_SIZE_EXCEEDED is thrown" (reference §8; Databricks SDK
 * workspace ImportRequest.content; docs notebooks/notebook-limitations:
 * source notebooks import "up to 10 MB"). Measured on the base64 text sent,
 * in bytes; 10 MB read as 10 × 2^20, as the simulator does.
 */
export const NOTEBOOK_IMPORT_BASE64_BYTES: ServiceLimit = { max: 10 * 1024 * 1024, what: 'workspace import size' };

/** Length in characters (code points, not UTF-16 units), as the limits count them. */
export function characterCount(text: string): number {
  return [...text].length;
}

/** Bytes of `text` once UTF-8 encoded and then base64-encoded, as the import request carries it. */
export function base64ImportBytes(text: string): number {
  return 4 * Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** "must be at most 99 characters (the SQL warehouse name limit), got 120". */
export function overLimitMessage(limit: ServiceLimit, actual: number, unit = 'characters'): string {
  return `must be at most ${limit.max} ${unit} (the ${limit.what} limit), got ${actual}`;
}

/**
 * A string no longer than a service limit, refused with a message naming the
 * limit and the issue code SERVICE_LIMIT (a plain refinement would read as an
 * invalid value); editors see maxLength.
 */
export function limited(text: z.ZodString, limit: ServiceLimit) {
  const params: { issueCode: IssueCode } = { issueCode: 'SERVICE_LIMIT' };
  return text
    .refine((value) => characterCount(value) <= limit.max, {
      error: (issue) => overLimitMessage(limit, characterCount(String(issue.input))),
      params,
    })
    .meta({ maxLength: limit.max });
}
