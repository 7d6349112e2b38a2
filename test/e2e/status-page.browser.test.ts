/**
 * The status page in a real browser (Debian's chromium, driven by
 * playwright-core): a controller in observe mode against the simulator,
 * with hand-made drift and a customer whose folder vanished (its deletions
 * blocked). Writes test-artifacts/status-page.png (and the customer's page)
 * for a person to look at.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWithoutHosts, REPO_ROOT, runCli, startSimulatedAccount, until, type SimulatedAccount } from '../support/harness.js';
import { startRun, type Running } from '../support/run-controller.js';
import { INSTALL_HINTS, requireTool, toolPath } from '../support/tools.js';

const runChromium = requireTool('chromium', INSTALL_HINTS.chromium);
const chromiumPath = toolPath('chromium') ?? 'chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

describe.skipIf(!runChromium)('the status page in headless Chromium', () => {
  let account: SimulatedAccount;
  let running: Running;
  let browser: Browser;

  beforeAll(async () => {
    account = await startSimulatedAccount();
    const dir = await copyWithoutHosts();
    expect((await runCli(['apply', dir], account.env)).code).toBe(0);
    const { state } = account.sim;
    state.removeMember(state.findGroup('customer-acme-analysts')!.id, state.findUser('jane.doe@acmecorp.com')!.id);
    state.findWarehouse('1234567890123456', 'customer-acme-analytics')!.autoStopMins = 120;
    await rm(path.join(dir, 'customers/globex'), { recursive: true });
    running = await startRun(dir, account.env, '--mode=observe');
    await until('the first pass', () => running.controller.status().lastReconcile, 20_000);
    // The container runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (running) expect(await running.stop()).toBe(0);
    await account?.close();
  });

  it('shows observe mode, the customer table, blocked deletions with how to confirm them, and each drift item with its before/after', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    page.on('console', (message) => blocked.push(message.text()));
    await page.goto(`${running.url}/`);

    expect(await page.title()).toBe('onboarder status');
    await expect.poll(() => page.locator('.banner').first().innerText()).toContain('Observe mode: onboarder writes nothing.');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('15');
    expect(await page.getByText(/^Replica /).innerText()).toMatch(/no leader election: this replica is the only one/);

    // One row per customer: the one needing a confirmation before the one merely out of sync.
    const rows = page.locator('h2:text("Customers") + p + table tbody tr');
    expect(await rows.count()).toBe(2);
    expect((await rows.nth(0).locator('td').allInnerTexts()).slice(0, 3)).toEqual(['globex', 'Blocked', '7']);
    expect((await rows.nth(1).locator('td').allInnerTexts()).slice(0, 3)).toEqual(['acme', 'OutOfSync', '2']);

    // Blocked deletions, object by object, and how to confirm them once.
    const deletions = page.locator('h2:text("Blocked deletions (7)") ~ table').first();
    expect(await deletions.locator('tbody tr').count()).toBe(7);
    expect(await deletions.innerText()).toContain('customer_globex');
    expect(await page.locator('h2:text("Blocked deletions (7)") ~ p code').first().innerText()).toContain('--confirm-deletions=');
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });

    // The customer's own page: the drift item with its before/after.
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.waitForURL('**/customers/acme');
    const warehouse = page.locator('tr', { hasText: 'customer-acme-analytics @ prod' });
    expect(await warehouse.locator('td').nth(2).innerText()).toBe('observed');
    expect(await warehouse.locator('td').nth(3).innerText()).toBe('observe mode: reported, not changed');
    expect(await warehouse.locator('ul.diff li').allInnerTexts()).toEqual(['autoStopMins: 120 → 15']);
    expect(await warehouse.locator('del').innerText()).toBe('120');
    expect(await warehouse.locator('ins').innerText()).toBe('15');
    // A membership change says who joins; its full before/after folds away under it.
    const membership = page.locator('tr', { hasText: 'customer-acme-analysts' });
    expect(await membership.locator('td ul.diff li').first().innerText()).toBe('+ jane.doe@acmecorp.com');
    await membership.locator('summary').click();
    expect(await membership.locator('details ins').innerText()).toContain('jane.doe@acmecorp.com');
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-customer.png'), fullPage: true });

    // Nothing on either page tried to run or load anything the CSP forbids.
    expect(blocked).toEqual([]);
    await page.close();
  }, 60_000);
});
