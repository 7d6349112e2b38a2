/**
 * Int64 ids in JSON: Databricks ids exceed 2^53, which JSON.parse and
 * JSON.stringify cannot carry as numbers, so they travel as decimal strings
 * inside the client and as bare numbers on the wire.
 */

/**
 * JSON.stringify cannot write an integer beyond 2^53, so such values travel
 * as decimal strings and are unquoted afterwards. The match is anchored after
 * `{` or `,`: inside a compact JSON string every `"` is escaped, so only real
 * keys qualify. A number under such a key has already lost its digits, and a
 * string that is not an integer would be sent quoted; both are refused.
 */
export function stringifyWithInt64(body: unknown, fields: readonly string[]): string {
  if (fields.length === 0) return JSON.stringify(body);
  let out = JSON.stringify(body, (key: string, value: unknown) => {
    if (!fields.includes(key)) return value;
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`${key}: ${value} is not a safe integer; pass int64 values as decimal strings`);
    }
    if (typeof value === 'string' && !/^-?\d+$/.test(value)) throw new RangeError(`${key}: ${JSON.stringify(value)} is not an integer`);
    return value;
  });
  for (const field of fields) {
    const key = JSON.stringify(field);
    const pattern = new RegExp(`(?<=[{,])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:"(-?\\d+)"`, 'g');
    out = out.replace(pattern, (_match, digits: string) => `${key}:${digits}`);
  }
  return out;
}

export function parseJsonBody(text: string, int64Fields: readonly string[] | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(keepInt64AsStrings(text, int64Fields)) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * JSON.parse rounds integers above 2^53, so quote them first. The look-behind
 * skips keys that appear escaped inside a string value.
 */
export function keepInt64AsStrings(text: string, fields: readonly string[] | undefined): string {
  let out = text;
  for (const field of fields ?? []) {
    const key = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<!\\\\)"${key}"(\\s*):(\\s*)(-?\\d+)(?=\\s*[,}\\]])`, 'g'), `"${field}"$1:$2"$3"`);
  }
  return out;
}

