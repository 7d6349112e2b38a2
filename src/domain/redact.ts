/**
 * Removing credentials from text that came from elsewhere: a server's error
 * message, a socket error, a log line. A server or a library can hand a secret
 * back in another form than the one we sent (lower-cased, URL- or
 * form-encoded, inside a Basic `id:secret` credential, base64-encoded), so
 * each secret is matched in every such form. Here, not in live/, because the
 * HTTP client and the logger both scrub.
 */

export const REDACTED = '[REDACTED]';

/** Shorter values would redact ordinary words; real credentials are far longer. */
const MIN_SECRET_LENGTH = 4;
/** Base64 fragments of shorter secrets are too short to tell from ordinary text. */
const MIN_FRAGMENT_SECRET_LENGTH = 8;

/**
 * A credential after an auth scheme, whatever it is: the length keeps phrases
 * like "Basic authentication" readable.
 */
const CREDENTIAL_AFTER_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=%-]{16,}/gi;

/**
 * The texts that betray `secret`, matched case-insensitively by the scrubber
 * (which covers lower- and upper-cased copies, and lower-case percent escapes).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    // application/x-www-form-urlencoded: spaces as `+`, and `!'()~` escaped.
    new URLSearchParams({ s: secret }).toString().slice(2),
    // Inside a JSON string (a log line, an echoed request body).
    JSON.stringify(secret).slice(1, -1),
  ]);
  if (secret.length >= MIN_FRAGMENT_SECRET_LENGTH) {
    // Whole, with its padding, so that nothing of it is left standing.
    const wholeBase64 = Buffer.from(secret, 'utf8').toString('base64');
    for (const fragment of [wholeBase64, wholeBase64.replace(/=+$/, ''), ...base64Fragments(secret)]) {
      forms.add(fragment);
      forms.add(fragment.replaceAll('+', '-').replaceAll('/', '_'));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * Base64 encodes 3 bytes as 4 characters, so a secret inside a larger encoded
 * value (Basic `id:secret`, a token in an encoded blob) shows one of three
 * character runs, one per byte offset modulo 3. Each run keeps only the
 * characters that the secret's bytes alone decide; offset 0 is also the
 * encoding of the secret by itself, minus padding.
 */
export function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 4) / 3);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    fragments.push(encoded.slice(first, end));
  }
  return fragments;
}

/**
 * A function that replaces every form of every secret with `[REDACTED]`, and
 * any credential after `Bearer` or `Basic`. Compiled once: the logger runs it
 * on every line.
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) for (const form of secretForms(secret)) forms.add(form);
  }
  // Longest first, so a form is not cut short by a shorter one it contains.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = alternatives.length === 0 ? undefined : new RegExp(alternatives.join('|'), 'gi');
  return (text) => {
    const withoutSecrets = pattern ? text.replace(pattern, REDACTED) : text;
    return withoutSecrets.replace(CREDENTIAL_AFTER_SCHEME, `$1 ${REDACTED}`);
  };
}

/** Removes credentials from text that came from a server, a socket error or a library. */
export function scrub(text: string, secrets: readonly string[]): string {
  return createScrubber(secrets)(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
