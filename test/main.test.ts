/**
 * The entry point (`node --import tsx src/main.ts`, what `npm start` runs) in production mode:
 * it refuses to start without client auth unless anonymous access is asked for explicitly, and
 * it turns introspection and GraphiQL off unless they are switched on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator';
import { getUrl, postGraphQL } from './helpers/http';
import { spawnGateway, upstreamEnv, type GatewayProcess } from './helpers/stack';

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TOKEN = 'main-test-token-0123456789';

let sim: Simulator;
const children: GatewayProcess[] = [];
// Each child takes a second or two to compile and start: they all start at once, up front.
let noTokens: GatewayProcess;
let shortToken: GatewayProcess;
let anonymous: Promise<string>;
let switchedOn: Promise<string>;

beforeAll(async () => {
  sim = await startSimulator();
  noTokens = start({ NODE_ENV: 'production' });
  shortToken = start({ NODE_ENV: 'production', GATEWAY_TOKENS: 'short' });
  anonymous = start({ NODE_ENV: 'production', GATEWAY_ALLOW_ANONYMOUS: 'true' }).ready();
  switchedOn = start({ NODE_ENV: 'production', GATEWAY_TOKENS: TOKEN, GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'true' }).ready();
  // Readiness is awaited where used; a failure to start is reported by the test that needs it.
  for (const p of [anonymous, switchedOn]) p.catch(() => {});
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await sim?.close();
});

function start(env: Record<string, string>): GatewayProcess {
  const child = spawnGateway({ ...upstreamEnv(sim), ...env });
  children.push(child);
  return child;
}

describe('NODE_ENV=production', () => {
  it('refuses to start without GATEWAY_TOKENS, naming the variable on stderr', async () => {
    const child = noTokens;
    const code = await child.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(child.stderr()).toContain('GATEWAY_TOKENS');
    expect(child.stdout.join('\n')).not.toContain('gateway ready');
  });

  it('refuses a token shorter than 16 characters', async () => {
    const child = shortToken;
    expect(await child.exited).not.toBe(0);
    expect(child.stderr()).toContain('GATEWAY_TOKENS');
    expect(child.stderr()).not.toContain('short');
  });

  describe('with GATEWAY_ALLOW_ANONYMOUS=true and the defaults', () => {
    let base: string;
    beforeAll(async () => {
      base = await anonymous;
    });

    it('starts and serves queries without a token', async () => {
      const res = await postGraphQL(`${base}/graphql`, { query: '{ groupCallTasks(first: 2) { edges { node { taskId } } } }' });
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
      expect(res.json.data.groupCallTasks.edges).toHaveLength(2);
    });

    it('rejects introspection', async () => {
      const res = await postGraphQL(`${base}/graphql`, { query: INTROSPECTION });
      expect(res.json.data?.__schema).toBeUndefined();
      expect(res.json.errors?.length).toBeGreaterThan(0);
      expect(res.json.errors[0].message).toMatch(/introspection/i);
      const type = await postGraphQL(`${base}/graphql`, { query: '{ __type(name: "Query") { name } }' });
      expect(type.json.data?.__type).toBeUndefined();
      expect(type.json.errors?.length).toBeGreaterThan(0);
    });

    it('does not serve GraphiQL', async () => {
      const res = await getUrl(`${base}/graphql`, { accept: 'text/html' });
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(res.text.toLowerCase()).not.toContain('graphiql');
      expect(res.status).toBeGreaterThanOrEqual(400);
    });

    it('hides field suggestions (they would leak the schema)', async () => {
      const res = await postGraphQL(`${base}/graphql`, { query: '{ groupCallTask { totalCount } }' });
      expect(res.json.errors[0].message).not.toContain('Did you mean');
    });
  });

  describe('with GRAPHQL_INTROSPECTION=true and GRAPHIQL=true', () => {
    let base: string;
    beforeAll(async () => {
      base = await switchedOn;
    });

    it('answers introspection (with the token)', async () => {
      const res = await postGraphQL(`${base}/graphql`, { query: INTROSPECTION }, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
      expect(res.json.data.__schema.queryType.name).toBe('Query');
    });

    it('still requires the token for queries', async () => {
      const res = await postGraphQL(`${base}/graphql`, { query: INTROSPECTION });
      expect(res.status).toBe(401);
    });

    it('serves GraphiQL to a browser', async () => {
      const res = await getUrl(`${base}/graphql`, { accept: 'text/html' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text.toLowerCase()).toContain('graphiql');
    });
  });
});
