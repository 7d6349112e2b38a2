import { describe, expect, it } from 'vitest';
import { base64Fragments, createScrubber, REDACTED, scrub } from './redact.js';

const SECRET = 'dose-Very/Secret+value~42 (x)!';
const CLIENT_ID = 'onboarder-sp';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('scrub', () => {
  const forms: [string, string][] = [
    ['the exact value', SECRET],
    ['a lower-cased copy', SECRET.toLowerCase()],
    ['an upper-cased copy', SECRET.toUpperCase()],
    ['encodeURIComponent', encodeURIComponent(SECRET)],
    ['encodeURIComponent with lower-case escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form encoding (spaces as +)', new URLSearchParams({ client_secret: SECRET }).toString().split('=')[1]!],
    ['a JSON string', JSON.stringify({ secret: SECRET })],
    ['base64 of the secret alone', base64(SECRET)],
    ['base64url of the secret alone', Buffer.from(SECRET).toString('base64url')],
    ['base64 of id:secret (Basic auth)', base64(`${CLIENT_ID}:${SECRET}`)],
    ['base64 of x:secret (another alignment)', base64(`x:${SECRET}`)],
    ['base64 of xy:secret (the third alignment)', base64(`xy:${SECRET}`)],
  ];

  it.each(forms)('removes %s', (_name, form) => {
    const text = `the server said: bad credential <${form}> here`;
    const scrubbed = scrub(text, [SECRET]);
    expect(scrubbed).toContain(REDACTED);
    expect(scrubbed).toMatch(/^the server said: bad credential <.*> here$/);
    for (const [, other] of forms) expect(scrubbed).not.toContain(other);
  });

  it('removes a credential after Bearer or Basic, whatever its case, even when the value is unknown', () => {
    expect(scrub('header was Bearer abcdefghijklmnop0123 ok', [])).toBe(`header was Bearer ${REDACTED} ok`);
    expect(scrub('header was bearer abcdefghijklmnop0123 ok', [])).toBe(`header was bearer ${REDACTED} ok`);
    expect(scrub('BASIC b25ib2FyZGVyLXNwOnNlY3JldA== ok', [])).toBe(`BASIC ${REDACTED} ok`);
    expect(scrub('Basic authentication is disabled', [])).toBe('Basic authentication is disabled');
  });

  it('leaves text without secrets alone and ignores values too short to be credentials', () => {
    expect(scrub('nothing to see', [SECRET])).toBe('nothing to see');
    expect(scrub('the cat sat', ['cat'])).toBe('the cat sat');
  });

  it('replaces a long form whole rather than cutting it at a shorter one', () => {
    const scrubbed = createScrubber([SECRET, `${CLIENT_ID}:${SECRET}`])(`Basic ${base64(`${CLIENT_ID}:${SECRET}`)}`);
    expect(scrubbed).toBe(`Basic ${REDACTED}`);
  });
});

describe('base64Fragments', () => {
  it('gives, for each byte offset, a run found in the encoding of any text holding the secret at that offset', () => {
    const fragments = base64Fragments(SECRET);
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
      const encoded = base64(`${prefix}${SECRET}tail`);
      expect(fragments.filter((fragment) => encoded.includes(fragment))).toHaveLength(1);
    }
    expect(Math.min(...fragments.map((f) => f.length))).toBeGreaterThanOrEqual(SECRET.length);
  });
});
