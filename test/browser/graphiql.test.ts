/**
 * GraphiQL in a real browser: the gateway started as `npm start` starts it (no LAAFFIC_API_KEY:
 * the embedded simulator), headless Chromium opens /graphql, runs the default query (recall flows
 * joined to their parent tasks) and the result pane shows the parent tasks. A screenshot is kept
 * in test-output/graphiql.png. The page must work offline: every request it makes goes to the
 * gateway (CI and many deployments have no way out to a CDN).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, spawnGateway, type GatewayProcess } from '../helpers/stack';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = join(PROJECT_DIR, 'test-output', 'graphiql.png');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(
    `\n!!! ${CHROMIUM} is not installed: SKIPPING the GraphiQL browser test.\n` +
      '!!! Install it with: apt-get update && apt-get install -y chromium\n',
  );
}

let gw: GatewayProcess | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

/** Matches a rendered result that has a parent task with a numeric taskId (Monaco renders spaces as U+00A0, which \s covers). */
const PARENT_TASK = /"parentTask"\s*:\s*\{\s*"taskId"\s*:\s*\d+/;

describe('GraphiQL', () => {
  it.skipIf(!hasChromium)('runs the default query in a real browser and shows the parent tasks', async () => {
    // The gateway and the browser start side by side.
    // As `npm start`: no LAAFFIC_API_KEY (the embedded simulator), NODE_ENV unset (GraphiQL on).
    gw = spawnGateway({ PORT: '0', HOST: '127.0.0.1' });
    const [base, launched] = await Promise.all([gw.ready(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })]);
    browser = launched;
    const origin = new URL(base).origin;

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const outside: string[] = [];
    const pageErrors: string[] = [];
    // The first script error ends the wait for GraphiQL at once (e.g. its bundle did not load).
    const crashed = new Promise<never>((_, reject) => {
      page.on('pageerror', (err) => {
        pageErrors.push(err.message);
        reject(new Error(`page error: ${err.message}`));
      });
    });
    crashed.catch(() => {});
    // Hermetic: anything but the gateway is refused (and reported if GraphiQL then fails).
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      outside.push(url);
      return route.abort();
    });

    const response = await page.goto(`${base}/graphql`);
    expect(response?.status()).toBe(200);
    const runButton = page.locator('.graphiql-execute-button');
    try {
      await Promise.race([runButton.waitFor({ state: 'visible', timeout: 45_000 }), crashed]);
    } catch (err) {
      throw new Error(
        `GraphiQL did not render.\n  requests to other hosts (refused): ${outside.join(', ') || 'none'}\n` +
          `  page errors: ${pageErrors.join(' | ') || 'none'}\n  ${(err as Error).message.split('\n')[0]}`,
      );
    }
    expect(outside, 'GraphiQL must load everything from the gateway').toEqual([]);

    // The editor holds the default query; run it with the execute button.
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), { timeout: 5_000 }).toContain('RecallFlowsWithParents');
    // GraphiQL also POSTs its introspection query: wait for the run of the default query.
    const answered = page.waitForResponse(
      (r) => r.url().startsWith(`${base}/graphql`) && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('RecallFlowsWithParents'),
      { timeout: 30_000 },
    );
    await runButton.click();
    const answer = await answered;
    expect(answer.status()).toBe(200);
    const body = (await answer.json()) as any;
    expect(body.errors).toBeUndefined();
    const edges = body.data.recallFlows.edges as Array<{ node: { parentTask: { taskId: number } | null } }>;
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.some((e) => typeof e.node.parentTask?.taskId === 'number')).toBe(true);

    // The result pane shows it.
    await page.waitForFunction(
      (source) => new RegExp(source).test(document.querySelector('.graphiql-response')?.textContent ?? ''),
      PARENT_TASK.source,
      { timeout: 10_000 },
    );
    const shown = (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
    expect(shown).toMatch(PARENT_TASK);
    expect(shown).toContain('"recallFlows"');

    mkdirSync(join(PROJECT_DIR, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
