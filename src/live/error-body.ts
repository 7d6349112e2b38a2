/**
 * Turns a Databricks error response into (errorCode, message). The APIs use
 * several shapes (reference §C, §1.8, §3.1): the standard
 * `{error_code,message}`, SCIM `{schemas,detail,status,scimType}`, OAuth
 * `{error,error_description}`, legacy `{error}`, plain text `CODE: message`,
 * gateway HTML with `<pre>`, and empty bodies.
 */
import { STATUS_CODES } from 'node:http';

export interface ParsedError {
  errorCode: string;
  message: string;
}

/** The SDK's class names for a status, used when the body names no code. */
const STATUS_ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  499: 'CANCELLED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Long bodies (HTML pages, stack traces) would swamp logs; the gist fits in this. */
const MAX_MESSAGE_LENGTH = 500;

export function statusErrorCode(status: number): string {
  return STATUS_ERROR_CODES[status] ?? `HTTP_${status}`;
}

export function parseErrorBody(status: number, text: string): ParsedError {
  const fallbackCode = statusErrorCode(status);
  const body = text.trim();
  if (body === '') return { errorCode: fallbackCode, message: STATUS_CODES[status] ?? `HTTP ${status}` };

  const json = tryParseJson(body);
  if (json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const parsed = fromJson(json as Record<string, unknown>, fallbackCode);
    if (parsed) return { errorCode: parsed.errorCode, message: truncate(parsed.message) };
  }

  const pre = /<pre[^>]*>([\s\S]*?)<\/pre>/i.exec(body);
  if (pre?.[1] !== undefined) return { errorCode: fallbackCode, message: truncate(decodeEntities(pre[1].trim())) };
  if (/^\s*<(!doctype|html)/i.test(body)) {
    return { errorCode: fallbackCode, message: STATUS_CODES[status] ?? `HTTP ${status}` };
  }

  const coded = /^([A-Z][A-Z0-9_]{2,}): ([\s\S]*)$/.exec(body);
  if (coded?.[1] !== undefined && coded[2] !== undefined) return { errorCode: coded[1], message: truncate(coded[2].trim()) };
  return { errorCode: fallbackCode, message: truncate(body) };
}

function fromJson(json: Record<string, unknown>, fallbackCode: string): ParsedError | undefined {
  const { error_code: code, message, detail, status, scimType, error, error_description: description } = json;

  if ((typeof code === 'string' && code !== '') || typeof code === 'number') {
    return { errorCode: String(code), message: typeof message === 'string' ? message : String(code) };
  }
  const isScim =
    (Array.isArray(json.schemas) && json.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error')) ||
    (typeof detail === 'string' && (typeof status === 'string' || typeof status === 'number'));
  if (isScim) {
    // As sdk-go: SCIM_<status>, message "<scimType> <detail>"; a literal "null" detail means no detail.
    const scimStatus = typeof status === 'string' || typeof status === 'number' ? String(status) : '';
    const text = typeof detail === 'string' && detail !== 'null' ? detail : 'SCIM API Internal Error';
    return {
      errorCode: scimStatus ? `SCIM_${scimStatus}` : fallbackCode,
      message: typeof scimType === 'string' && scimType !== '' ? `${scimType} ${text}` : text,
    };
  }
  if (typeof error === 'string' && error !== '') {
    if (typeof description === 'string') return { errorCode: error, message: description || error };
    // OAuth errors without a description are bare snake_case codes; legacy APIs put a sentence there.
    return /^[a-z_]+$/.test(error) ? { errorCode: error, message: error } : { errorCode: fallbackCode, message: error };
  }
  if (typeof message === 'string' && message !== '') return { errorCode: fallbackCode, message };
  return undefined;
}

function tryParseJson(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
