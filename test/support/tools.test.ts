import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { findTool, requireTool } from './tools.js';

describe('requireTool', () => {
  it('finds a tool on PATH or by absolute path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-tools-'));
    const tool = path.join(dir, 'fake-tool');
    await writeFile(tool, '#!/bin/sh\n');
    await chmod(tool, 0o755);
    expect(findTool('fake-tool', { PATH: dir })).toBe(tool);
    expect(findTool(tool, {})).toBe(tool);
    expect(requireTool('fake-tool', 'never needed', { PATH: dir })).toBe(tool);
  });

  it('skips with a notice when absent, and fails instead under ONBOARDER_REQUIRE_TOOLS=1', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(requireTool('no-such-tool-here', 'apt-get install it', { PATH: '/nonexistent' })).toBeUndefined();
      expect(write).toHaveBeenCalledWith(expect.stringContaining('NOTICE: no-such-tool-here is not installed (apt-get install it)'));
    } finally {
      write.mockRestore();
    }
    expect(() => requireTool('no-such-tool-here', 'apt-get install it', { PATH: '/nonexistent', ONBOARDER_REQUIRE_TOOLS: '1' })).toThrow(
      /no-such-tool-here is not installed \(apt-get install it\), and ONBOARDER_REQUIRE_TOOLS=1 requires it/,
    );
  });
});
