import { describe, expect, it } from 'vitest';
import { DATABRICKS_DOMAINS, describeHostPattern, isTrustedUrl, originPattern, parseHostPattern, untrustedReason, type HostPattern } from './host-trust.js';

/** Parses entries the way an operator writes them; a bad one fails the test. */
function patterns(...entries: string[]): HostPattern[] {
  return entries.map((entry) => {
    const result = parseHostPattern(entry);
    if (!result.ok) throw new Error(`${entry}: ${result.reason}`);
    return result.pattern;
  });
}

const trusted = (url: string, list: readonly HostPattern[]) => isTrustedUrl(new URL(url), list);

describe('Databricks domains', () => {
  it.each([
    'https://dbc-1234abcd-5678.cloud.databricks.com',
    'https://accounts.cloud.databricks.com',
    'https://adb-1234567890123456.7.azuredatabricks.net',
    'https://accounts.azuredatabricks.net',
    'https://1234567890123456.7.gcp.databricks.com',
    'https://accounts.gcp.databricks.com',
    'https://dbc-1.cloud.databricks.us',
    'https://adb-1.2.databricks.azure.us',
    'https://adb-1.2.databricks.azure.cn',
    'https://ADB-1.7.AzureDatabricks.NET/',
  ])('trusts %s', (url) => {
    expect(trusted(url, DATABRICKS_DOMAINS)).toBe(true);
  });

  it.each([
    ['the bare domain', 'https://cloud.databricks.com'],
    ['a look-alike that ends elsewhere', 'https://evilcloud.databricks.com.attacker.net'],
    ['a look-alike label', 'https://evilcloud.databricks.com'],
    ['a suffix without the dot', 'https://evil-azuredatabricks.net'],
    ['a non-default port', 'https://adb-1.azuredatabricks.net:8443'],
    ['plain http', 'http://adb-1.azuredatabricks.net'],
    ['databricks.com itself', 'https://www.databricks.com'],
    ['loopback', 'http://127.0.0.1:18099'],
  ])('does not trust %s', (_name, url) => {
    expect(trusted(url, DATABRICKS_DOMAINS)).toBe(false);
  });
});

describe('allowlist entries', () => {
  it('matches a host without a port on the default port only, and a host:port on that port only', () => {
    const list = patterns('private.example.com', 'gateway.example.com:8443');
    expect(trusted('https://private.example.com', list)).toBe(true);
    expect(trusted('https://private.example.com:443/', list)).toBe(true);
    expect(trusted('https://private.example.com:8443', list)).toBe(false);
    expect(trusted('https://gateway.example.com:8443', list)).toBe(true);
    expect(trusted('https://gateway.example.com', list)).toBe(false);
    expect(trusted('https://gateway.example.com:8444', list)).toBe(false);
  });

  it('compares host names case-insensitively', () => {
    expect(trusted('https://PRIVATE.Example.com', patterns('Private.EXAMPLE.com'))).toBe(true);
  });

  it('reads *.domain as the hosts below the domain, never the domain or a look-alike', () => {
    const list = patterns('*.corp.example.com');
    expect(trusted('https://a.corp.example.com', list)).toBe(true);
    expect(trusted('https://a.b.corp.example.com', list)).toBe(true);
    expect(trusted('https://corp.example.com', list)).toBe(false);
    expect(trusted('https://evilcorp.example.com', list)).toBe(false);
    expect(trusted('https://a.corp.example.com.attacker.net', list)).toBe(false);
  });

  it('trusts loopback only through an entry, with plain http allowed there alone', () => {
    const list = patterns('127.0.0.1:18099', 'localhost:5000', 'private.example.com:80');
    expect(trusted('http://127.0.0.1:18099', list)).toBe(true);
    expect(trusted('https://127.0.0.1:18099', list)).toBe(true);
    expect(trusted('http://127.0.0.1:18100', list)).toBe(false);
    expect(trusted('http://127.0.0.2:18099', list)).toBe(false);
    expect(trusted('http://LOCALHOST:5000', list)).toBe(true);
    // Trusting a host never makes clear text acceptable over a network.
    expect(trusted('http://private.example.com', list)).toBe(false);
    expect(untrustedReason(new URL('http://private.example.com'), list)).toMatch(/use https/);
  });

  it('tells http from https by the port a bare entry means', () => {
    const list = patterns('localhost', 'secure.example.com:443');
    expect(trusted('http://localhost', list)).toBe(true);
    expect(trusted('https://localhost', list)).toBe(true);
    expect(trusted('https://secure.example.com', list)).toBe(true);
    expect(trusted('http://localhost:443', list)).toBe(false);
  });

  it('reads IPv6 literals in brackets, in any of their spellings', () => {
    const list = patterns('[::1]:8443', '[2001:db8::1]');
    expect(trusted('https://[::1]:8443', list)).toBe(true);
    expect(trusted('http://[0:0:0:0:0:0:0:1]:8443', list)).toBe(true);
    expect(trusted('https://[::1]:8444', list)).toBe(false);
    expect(trusted('https://[2001:DB8:0::1]', list)).toBe(true);
    expect(trusted('https://[2001:db8::2]', list)).toBe(false);
    expect(describeHostPattern(list[0]!)).toBe('[::1]:8443');
  });

  it.each([
    ['', /is empty/],
    ['https://host.example.com', /without a scheme/],
    ['host.example.com/path', /without a scheme, path or user/],
    ['user@host.example.com', /without a scheme, path or user/],
    ['host.*.example.com', /wildcard only as its first label/],
    ['*', /wildcard only as its first label/],
    ['*.com', /too broad/],
    ['*.10.0.0.1', /too broad/],
    ['::1', /in brackets/],
    ['host.example.com:0', /outside 1-65535/],
    ['host.example.com:99999', /outside 1-65535/],
    ['host.example.com:http', /must be host\[:port\]/],
    ['exa mple.com', /without a scheme/],
  ])('refuses %j', (entry, reason) => {
    const result = parseHostPattern(entry);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('originPattern', () => {
  it('trusts the configured URL exactly: its host and its port', () => {
    const list = [originPattern(new URL('http://127.0.0.1:5555')), originPattern(new URL('https://ws.example.com/'))];
    expect(trusted('http://127.0.0.1:5555/api/2.0/x', list)).toBe(true);
    expect(trusted('http://127.0.0.1:5556', list)).toBe(false);
    expect(trusted('https://ws.example.com', list)).toBe(true);
    expect(trusted('https://ws.example.com:8443', list)).toBe(false);
    expect(trusted('https://sub.ws.example.com', list)).toBe(false);
  });
});
