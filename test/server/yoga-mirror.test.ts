/**
 * What the fast lane mirrors of yoga (src/server/yoga-mirror.ts), each rule pinned to yoga's own
 * behaviour: a real instance of the gateway's yoga (createGatewayYoga, no network) is driven with
 * the same inputs, fixed cases and generated ones, and whatever the mirror claims yoga must do.
 * An upgrade of graphql-yoga that moves one of these rules fails here.
 */
import fc from 'fast-check';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { parse } from 'graphql';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { operationLabeler, recordOperation, useMetrics } from '../../src/plugins/use-metrics';
import { answerableAccept, isPlainJson, negotiateMediaType, operationMetricParams, plainParams } from '../../src/server/yoga-mirror';
import { offlineYoga } from '../helpers/stack';

/** The gateway's yoga with extra plugins; no upstream (the operations here never call it). */
const gatewayYoga = (plugins: Plugin[] = []) => offlineYoga({ plugins });

/** Records the params of every request yoga executes. */
function paramsCapture() {
  const executed: Array<{ query?: unknown; operationName?: unknown; variables?: unknown }> = [];
  const plugin: Plugin = {
    onExecute({ args }) {
      executed.push({ ...(args.contextValue as unknown as { params: Record<string, unknown> }).params });
    },
  };
  return { executed, plugin };
}

const post = (yoga: ReturnType<typeof gatewayYoga>, body: string, headers: Record<string, string> = {}) =>
  yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('negotiateMediaType: the result processor yoga picks for a query', () => {
  it('fixed cases', () => {
    expect(negotiateMediaType(undefined)).toBe('application/json');
    expect(negotiateMediaType('*/*')).toBe('application/json');
    expect(negotiateMediaType('application/json')).toBe('application/json');
    expect(negotiateMediaType('application/graphql-response+json')).toBe('application/graphql-response+json');
    expect(negotiateMediaType('application/graphql-response+json, application/json')).toBe('application/graphql-response+json');
    expect(negotiateMediaType('application/json, application/graphql-response+json')).toBe('application/json');
    expect(negotiateMediaType('application/json; charset=iso-8859-1')).toBeUndefined();
    expect(negotiateMediaType('text/event-stream')).toBeUndefined();
    expect(negotiateMediaType('multipart/mixed')).toBeUndefined();
  });

  /** The media type of yoga's answer when it is one the lane would write, else undefined (406 included). */
  async function yogaMediaType(yoga: ReturnType<typeof gatewayYoga>, accept: string | undefined): Promise<string | undefined> {
    const res = await post(yoga, JSON.stringify({ query: '{ __typename }' }), accept === undefined ? {} : { accept });
    await res.arrayBuffer();
    if (res.status === 406) return undefined;
    const type = /^(application\/graphql-response\+json|application\/json); charset=utf-8$/.exec(res.headers.get('content-type') ?? '');
    return type?.[1];
  }

  it('agrees with yoga on every Accept header, fixed and generated', async () => {
    const yoga = gatewayYoga();
    const fixed = [
      undefined,
      '',
      '*/*',
      'application/*',
      '*/json',
      'application/json',
      'application/graphql-response+json',
      'application/graphql-response+json, application/json',
      'application/json, application/graphql-response+json',
      'application/graphql-response+json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset=iso-8859-1',
      'application/json; charset=iso-8859-1, application/graphql-response+json',
      'text/html, */*;q=0.8',
      'text/html',
      'text/event-stream',
      'multipart/mixed',
      'text/event-stream, application/json',
      'application/json, text/event-stream',
      'APPLICATION/JSON',
      ' application / json ',
      ',',
      ';',
    ];
    for (const accept of fixed) expect(negotiateMediaType(accept), String(accept)).toBe(await yogaMediaType(yoga, accept));

    const mediaType = fc.constantFrom('*/*', 'application/*', 'application/json', 'application/graphql-response+json', 'text/event-stream', 'multipart/mixed', 'text/html', '*/json', 'Application/JSON', '');
    const param = fc.constantFrom('', ';charset=utf-8', '; charset=UTF-8', ';charset=latin1', ';q=0.5', ';charset=utf-8;q=0.1', ' ; charset = utf-8');
    const accept = fc
      .tuple(fc.array(fc.tuple(mediaType, param).map(([m, p]) => m + p), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ', ', ' ,'))
      .map(([parts, separator]) => parts.join(separator));
    await fc.assert(
      fc.asyncProperty(accept, async (value) => {
        expect(negotiateMediaType(value)).toBe(await yogaMediaType(yoga, value));
      }),
      { numRuns: 150 },
    );
  });
});

describe("answerableAccept: whether yoga has a result processor for a query's result", () => {
  it('agrees with a bare yoga (its own 406) on every Accept header, fixed and generated', async () => {
    // Bare: the gateway's yoga answers 406 itself, before executing (use-media-types.ts), by this rule.
    const bare = createYoga({ schema: createSchema({ typeDefs: 'type Query { a: Int }' }), logging: false });
    const yogaAnswers = async (accept: string | undefined) => {
      const res = await bare.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      await res.arrayBuffer();
      return res.status !== 406;
    };
    for (const accept of [undefined, '', '*/*', 'text/html', 'text/event-stream', 'multipart/mixed', 'application/xml', 'text/*', 'application/json; charset=latin1', 'image/png, */*;q=0.1', ',', 'APPLICATION/JSON']) {
      expect(answerableAccept(accept), String(accept)).toBe(await yogaAnswers(accept));
    }
    const mediaType = fc.constantFrom('*/*', 'application/*', 'application/json', 'text/event-stream', 'multipart/mixed', 'text/html', 'text/*', 'image/png', '*/json', 'Multipart/Mixed', '');
    const param = fc.constantFrom('', ';charset=utf-8', ';charset=latin1', ';q=0.5');
    const accept = fc.array(fc.tuple(mediaType, param).map(([m, p]) => m + p), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(', '));
    await fc.assert(
      fc.asyncProperty(accept, async (value) => {
        expect(answerableAccept(value), value).toBe(await yogaAnswers(value));
      }),
      { numRuns: 100 },
    );
  });
});

describe('isPlainJson: content types the lane parses as yoga would', () => {
  it('fixed cases', () => {
    expect(isPlainJson('application/json')).toBe(true);
    expect(isPlainJson('application/json; charset=UTF-8')).toBe(true);
    expect(isPlainJson('Application/JSON')).toBe(false);
    expect(isPlainJson('application/json, text/plain')).toBe(false);
    expect(isPlainJson('application/json; charset=latin1')).toBe(false);
    expect(isPlainJson('text/plain')).toBe(false);
    expect(isPlainJson(undefined)).toBe(false);
  });

  it('every content type it takes, yoga reads as the same JSON (UTF-8) the lane parses', async () => {
    const { executed, plugin } = paramsCapture();
    const yoga = gatewayYoga([plugin]);
    // Non-ASCII in the variables: a decoding other than UTF-8 would show.
    const body = JSON.stringify({ query: 'query($s: String!) { __typename __type(name: $s) { name } }', variables: { s: 'ü € 𝄞 中文' } });
    const lane = JSON.parse(Buffer.from(body).toString('utf8'));
    const type = fc.constantFrom('application/json', 'Application/JSON', 'application/graphql+json', 'text/plain', 'application/jsonx');
    const param = fc.constantFrom('', ';charset=utf-8', '; charset=UTF-8', ';charset=latin1', ' ; charset=utf-8', ';charset="utf-8"', ';boundary=x', ', text/plain');
    const contentType = fc.array(fc.tuple(type, param).map(([t, p]) => t + p), { minLength: 1, maxLength: 2 }).map((parts) => parts.join(''));
    const fixed = ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset=utf-8; charset=utf-8'];
    let taken = 0;
    const check = async (ct: string) => {
      if (!isPlainJson(ct)) return;
      taken++;
      executed.length = 0;
      const res = await post(yoga, body, { 'content-type': ct });
      expect(await res.json(), ct).toEqual({ data: { __typename: 'Query', __type: null } });
      expect(executed, ct).toHaveLength(1);
      expect(executed[0]!.variables, ct).toEqual(lane.variables);
    };
    for (const ct of fixed) await check(ct);
    await fc.assert(fc.asyncProperty(contentType, check), { numRuns: 150 });
    expect(taken).toBeGreaterThan(fixed.length);
  });
});

describe('plainParams: the GraphQL-over-HTTP params of a plain JSON body', () => {
  it('fixed cases', () => {
    expect(plainParams({ query: '{a}' })).toEqual({ query: '{a}', operationName: null, variables: null });
    expect(plainParams({ query: '{a}', operationName: 'A', variables: { x: 1 }, extensions: {} })).toEqual({
      query: '{a}',
      operationName: 'A',
      variables: { x: 1 },
    });
    for (const bad of [null, [], 'x', { query: 1 }, { query: '{a}', variables: [] }, { query: '{a}', variables: 'x' }, { query: '{a}', operationName: 1 }, { query: '{a}', operationName: '' }, { query: '{a}', extensions: { persistedQuery: {} } }, { query: '{a}', other: 1 }]) {
      expect(plainParams(bad)).toBeUndefined();
    }
  });

  it('whenever it gives params, yoga reads the same ones from the body and answers as for exactly those', async () => {
    const { executed, plugin } = paramsCapture();
    const yoga = gatewayYoga([plugin]);
    const TWO = 'query A($x: Boolean = false) { a: __typename @include(if: $x) } query B { b: __typename }';
    const absent = Symbol('absent');
    // Mostly values the lane takes, sometimes one it must leave to yoga.
    const value = (good: unknown[], bad: unknown[]) =>
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
    const body = fc
      .record({
        query: value(['{ __typename }', 'query A { __typename }', TWO, ''], [absent, 1, null, ['{ __typename }']]),
        operationName: value([absent, null, 'A', 'B'], ['', 1, ['A'], {}]),
        variables: value([absent, null, {}, { x: true }, { x: 'yes' }], [[], 'x', 1]),
        extensions: value([absent, null, {}], [{ persistedQuery: { version: 1, sha256Hash: 'abc' } }, [], 'x']),
        other: value([absent], [null, 1, 'x']),
      })
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== absent)));
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const params = plainParams(b);
        if (!params) return;
        taken++;
        executed.length = 0;
        const asSent = await post(yoga, JSON.stringify(b));
        const asRead = { status: asSent.status, text: await asSent.text() };
        const seen = executed.splice(0);
        // What the lane would run: exactly the params it read.
        const canonical = await post(yoga, JSON.stringify(params));
        expect(asRead).toEqual({ status: canonical.status, text: await canonical.text() });
        expect(asRead.status, asRead.text).not.toBe(500);
        for (const p of seen) {
          expect({ query: p.query, operationName: p.operationName ?? null, variables: p.variables ?? null }).toEqual(params);
        }
      }),
      { numRuns: 300 },
    );
    expect(taken).toBeGreaterThan(20);
  });
});

describe("operationMetricParams: the labels yoga's Prometheus plugin gives an operation", () => {
  /** The operation label sets of yoga's series after one request, and of the lane's for the same. */
  async function seriesOf(query: string, operationName: string | null) {
    const labels = async (registry: Registry) => {
      const out: string[] = [];
      for (const metric of await registry.getMetricsAsJSON()) {
        if (metric.name !== 'graphql_envelop_request' && metric.name !== 'graphql_yoga_http_duration') continue;
        for (const v of metric.values) {
          if (metric.name === 'graphql_yoga_http_duration' && !('metricName' in v && v.metricName === 'graphql_yoga_http_duration_count')) continue;
          out.push(`${metric.name}${JSON.stringify(v.labels)} ${v.value}`);
        }
      }
      return out.sort();
    };
    const viaYoga = new Registry();
    const yoga = gatewayYoga([useMetrics({ registry: viaYoga, endpoint: '/metrics', operationLabel: operationLabeler() })]);
    const res = await post(yoga, JSON.stringify({ query, operationName }));
    expect(res.status, await res.text()).toBe(200);

    const viaLane = new Registry();
    const operationLabel = operationLabeler();
    useMetrics({ registry: viaLane, endpoint: '/metrics', operationLabel });
    const params = operationMetricParams(parse(query), operationName);
    recordOperation({ registry: viaLane, operationLabel }, { ...params, method: 'POST', status: 200, executionSeconds: 0.001, httpSeconds: 0.002, errors: [] });
    return { yoga: await labels(viaYoga), lane: await labels(viaLane) };
  }

  it.each([
    ['a named operation, no operationName', 'query Named { __typename }', null],
    ['a named operation, named', 'query Named { __typename }', 'Named'],
    ['an anonymous operation', '{ __typename }', null],
    ['an operation named Anonymous', 'query Anonymous { __typename }', null],
    ['a fragment before the operation', 'fragment F on Query { __typename } query WithFragment { ...F }', null],
    ['a fragment before the operation, named', 'fragment F on Query { __typename } query WithFragment { ...F }', 'WithFragment'],
    ['the second of two operations', 'query First { a: __typename } query Second { b: __typename }', 'Second'],
  ])('%s', async (_label, query, operationName) => {
    const { yoga, lane } = await seriesOf(query, operationName);
    expect(yoga).toHaveLength(2);
    expect(lane).toEqual(yoga);
  });
});
