import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireTool, toolOnPath } from './tools.js';

const ABSENT = 'onboarder-no-such-tool-9f3c';

describe('requireTool', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs a test whose tool is on PATH, silently', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(toolOnPath('sh')).toBe(true);
    expect(requireTool('sh', 'it comes with the system', {})).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('skips a test whose tool is absent, with a notice naming the tool and how to install it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(toolOnPath(ABSENT)).toBe(false);
    expect(requireTool(ABSENT, 'apt-get install it', {})).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toContain(ABSENT);
    expect(warn.mock.calls[0]![0]).toContain('apt-get install it');
  });

  it('runs it anyway with ONBOARDER_REQUIRE_TOOLS=1, so that it fails, and says why', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireTool(ABSENT, 'apt-get install it', { ONBOARDER_REQUIRE_TOOLS: '1' })).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    expect(error.mock.calls[0]![0]).toMatch(new RegExp(`${ABSENT}.*ONBOARDER_REQUIRE_TOOLS=1.*apt-get install it`));
  });

  it('never lets a name reach the shell as code', () => {
    expect(toolOnPath('sh; exit 0')).toBe(false);
    expect(toolOnPath('$(true)')).toBe(false);
  });
});
