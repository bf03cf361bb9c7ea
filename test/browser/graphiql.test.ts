/**
 * GraphiQL in a real browser: the gateway started as `npm start` starts it (no LAAFFIC_API_KEY:
 * the embedded simulator), headless Chromium opens /graphql, runs the default query (recall flows
 * joined to their parent tasks) and the result pane shows the parent tasks. A screenshot is kept
 * in test-output/graphiql.png. The page must work offline: every request it makes goes to the
 * gateway (CI and many deployments have no way out to a CDN).
 * Then a subscription typed into the editor runs over SSE (yoga's GraphiQL streams subscriptions
 * with `accept: text/event-stream`): the result pane shows its INITIAL events, then the UPDATED
 * event of a change made through the embedded simulator's control endpoint.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, parseLines, spawnGateway, type GatewayProcess } from '../helpers/stack';

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
let launched: Promise<{ base: string; simulator: string }> | undefined;

/**
 * The gateway (as `npm start`: no LAAFFIC_API_KEY, the embedded simulator; NODE_ENV unset, GraphiQL
 * on; live polls every second) and the browser, started side by side, once for the file.
 */
function launch(): Promise<{ base: string; simulator: string }> {
  launched ??= (async () => {
    gw = spawnGateway({ PORT: '0', HOST: '127.0.0.1', LIVE_POLL_INTERVAL_MS: '1000' });
    const [base, started] = await Promise.all([gw.ready(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })]);
    browser = started;
    const line = parseLines(gw.stdout).find((l) => typeof l.simulator === 'string');
    return { base, simulator: String(line?.simulator) };
  })();
  return launched;
}

/** A page on GraphiQL, hermetic (anything but the gateway refused), once its run button shows. */
async function openGraphiQL(base: string) {
  const origin = new URL(base).origin;
  const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
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
  return { page, runButton, outside, pageErrors };
}

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

/** Matches a rendered result that has a parent task with a numeric taskId (Monaco renders spaces as U+00A0, which \s covers). */
const PARENT_TASK = /"parentTask"\s*:\s*\{\s*"taskId"\s*:\s*\d+/;

describe('GraphiQL', () => {
  it.skipIf(!hasChromium)('runs the default query in a real browser and shows the parent tasks', async () => {
    const { base } = await launch();
    const { page, runButton, pageErrors } = await openGraphiQL(base);

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

  it.skipIf(!hasChromium)('runs a typed subscription over SSE and shows its events as they come', async () => {
    const { base, simulator } = await launch();
    // Two finished tasks (they do not move with the simulator's ticks): their global ids from a list query.
    const listed = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ groupCallTasks(first: 2, filter: { products: [GROUP_CALL], statuses: [FINISHED] }) { edges { node { id taskId } } } }' }),
    });
    const tasks = ((await listed.json()) as any).data.groupCallTasks.edges.map((e: any) => e.node) as Array<{ id: string; taskId: number }>;
    expect(tasks).toHaveLength(2);

    const { page, runButton, pageErrors } = await openGraphiQL(base);
    const subscription = `subscription LiveTasks { groupCallTaskChanges(ids: [${tasks.map((t) => `"${t.id}"`).join(', ')}]) { kind id changedFields task { taskId status } } }`;
    // Type it over the default query.
    await page.locator('.graphiql-query-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText(subscription);
    // GraphiQL reads the editor's operations after a short debounce: run once it has.
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), { timeout: 5_000 }).toContain('LiveTasks');
    await page.waitForTimeout(500);

    // yoga's GraphiQL runs a subscription as a GET of the operation, read as SSE (text/event-stream).
    const streamed = page.waitForResponse(
      (r) => r.url().startsWith(`${base}/graphql?`) && r.request().method() === 'GET' && r.url().includes('LiveTasks'),
      { timeout: 30_000 },
    );
    await runButton.click();
    const response = await streamed;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/event-stream');
    // What was typed (GraphiQL sends it minified).
    const sent = new URL(response.url()).searchParams.get('query') ?? '';
    expect(sent.replace(/\s+/g, '')).toBe(subscription.replace(/\s+/g, '').replace(/","/g, '""'));

    const pane = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
    // The INITIAL events (the pane shows the latest result of the stream).
    await expect.poll(pane, { timeout: 15_000 }).toMatch(/"kind"\s*:\s*"INITIAL"/);
    expect(await pane()).toMatch(new RegExp(`"taskId"\\s*:\\s*(${tasks.map((t) => t.taskId).join('|')})`));

    // A change upstream (the embedded simulator's control endpoint): its UPDATED event appears.
    const changed = await fetch(`${simulator}/__sim/records/task`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: 'groupCall', taskId: tasks[0]!.taskId, patch: { status: 5 } }),
    });
    expect(changed.status).toBe(200);
    await expect.poll(pane, { timeout: 10_000 }).toMatch(/"kind"\s*:\s*"UPDATED"/);
    const shown = await pane();
    expect(shown).toContain(`"id": "${tasks[0]!.id}"`);
    expect(shown).toMatch(/"changedFields"\s*:\s*\[\s*"status"\s*\]/);
    expect(shown).toMatch(/"status"\s*:\s*"PAUSED"/);
    expect(pageErrors).toEqual([]);

    mkdirSync(join(PROJECT_DIR, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_DIR, 'test-output', 'graphiql-subscription.png') });
  }, 90_000);
});
