/**
 * CORS (CORS_ORIGINS): any origin by default but never with credentials (clients authenticate
 * with a bearer header, not cookies); a list admits only its origins; `none` answers no CORS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startStack, type Stack } from '../helpers/stack';

async function preflight(base: string, origin: string) {
  return fetch(`${base}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
}

async function post(base: string, origin: string) {
  return fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

describe('CORS_ORIGINS unset', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('admits any origin, without credentials, for the headers a client sends', async () => {
    const pre = await preflight(stack.gateway.url, 'https://app.example');
    expect(pre.status).toBeLessThan(300);
    // yoga answers `*` by naming the request's origin (with Vary: Origin).
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const res = await post(stack.gateway.url, 'https://app.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect(((await res.json()) as any).data.__typename).toBe('Query');
  });
});

describe('CORS_ORIGINS=https://a.example,https://b.example:8443', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGINS: 'https://a.example, https://b.example:8443' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('admits the listed origins only', async () => {
    for (const origin of ['https://a.example', 'https://b.example:8443']) {
      const res = await post(stack.gateway.url, origin);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).not.toBe('true');
    }
    for (const origin of ['https://evil.example', 'https://a.example.evil.example', 'http://a.example']) {
      const pre = await preflight(stack.gateway.url, origin);
      expect([null, 'null']).toContain(pre.headers.get('access-control-allow-origin'));
      const res = await post(stack.gateway.url, origin);
      expect([null, 'null']).toContain(res.headers.get('access-control-allow-origin'));
    }
  });
});

describe('CORS_ORIGINS validation', () => {
  it.each(['a.example', 'https://a.example/path', 'not a url'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });

  it('none turns CORS off', () => {
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toBe(false);
    expect(loadConfig({}).corsOrigins).toBe('*');
  });
});
