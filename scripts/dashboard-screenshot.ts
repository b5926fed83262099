/**
 * `npx tsx scripts/dashboard-screenshot.ts [out.png]`: starts the federation with the demo data
 * (on the test databases, today fixed at the test date), signs in to the dashboard as the MAPPA
 * co-ordinator in headless Chromium, opens the first person on the list and saves a full-page
 * screenshot (default docs/dashboard.png).
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startTestFederation } from '../tests/support/federation';

async function main() {
  const out = process.argv[2] ?? join(__dirname, '..', 'docs', 'dashboard.png');
  const t = await startTestFederation({ demoTokens: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(t.fed.gatewayUrl.replace(/graphql$/, ''));
    await page.selectOption('#identity', 'coordinator');
    await page.click('#sign-in-button');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    await page.click('#list-table tbody tr:first-child button');
    await page.waitForFunction(() => !/^(Person|Details)$/.test(document.querySelector('#detail-heading')?.textContent ?? ''));
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await t.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
