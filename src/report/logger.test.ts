import { describe, expect, it } from 'vitest';
import { Capture } from '../../test/support/harness.js';
import { createLogger } from './logger.js';

const SECRET = 'dose-Very-Secret-value-0123456789';
const CLIENT_ID = 'onboarder-sp';
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('createLogger', () => {
  it('removes the configured credentials from every line, in every form and field', () => {
    const lines = new Capture();
    const logger = createLogger({ level: 'debug', pretty: false, destination: lines, secrets: [SECRET, `${CLIENT_ID}:${SECRET}`] });
    const forms = [
      SECRET,
      SECRET.toLowerCase(),
      encodeURIComponent(`/${SECRET}`),
      new URLSearchParams({ client_secret: SECRET }).toString(),
      base64(SECRET),
      base64(`${CLIENT_ID}:${SECRET}`),
    ];
    logger.info({ detail: { echoed: forms[1] } }, `server said ${forms[0]}`);
    logger.warn({ url: `https://x/cb?${forms[3]}&state=${forms[2]}` }, 'redirected');
    logger.error({ err: new Error(`bad header Basic ${forms[5]} for ${forms[4]}`) }, 'failed');
    logger.flush();
    const records = lines.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    for (const form of forms) expect(lines.text).not.toContain(form);
    expect(records[0]).toMatchObject({ msg: 'server said [REDACTED]', detail: { echoed: '[REDACTED]' } });
    expect(records[1]!.url).toBe('https://x/cb?client_secret=[REDACTED]&state=%2F[REDACTED]');
  });

  it('removes a credential after Bearer or Basic even when it was not configured, and keeps fields named like secrets out', () => {
    const lines = new Capture();
    const logger = createLogger({ level: 'info', pretty: false, destination: lines });
    logger.info({ headers: { authorization: 'Bearer abc' }, clientSecret: 'zzz' }, 'header was Bearer abcdefghijklmnopqrstuvwxyz');
    logger.flush();
    expect(lines.text).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(lines.text).not.toContain('zzz');
    expect(JSON.parse(lines.text)).toMatchObject({ msg: 'header was Bearer [REDACTED]', headers: { authorization: '[redacted]' } });
  });
});
