/**
 * Persisted operations (PERSISTED_OPERATIONS_FILE): only the listed operations run, sent by
 * their SHA-256 hash in extensions.persistedQuery; anything else is refused before any upstream call.
 * Reading and validating the file: config.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getUrl, postGraphQL } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const TASKS = 'query PersistedTasks($n: Int) { groupCallTasks(first: $n) { edges { node { taskId name } } } }';
const JOIN = 'query PersistedJoin { recallFlows(first: 3) { edges { node { keyId parentTask { taskId } } } } }';
const TASKS_HASH = sha256(TASKS);
const JOIN_HASH = sha256(JOIN);

let dir: string;
let stack: Stack;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'persisted-ops-'));
  const file = join(dir, 'operations.json');
  writeFileSync(file, JSON.stringify({ [TASKS_HASH]: TASKS, [JOIN_HASH]: JOIN }));
  stack = await startStack({ env: { PERSISTED_OPERATIONS_FILE: file } });
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => stack.resetCalls());

const persisted = (sha256Hash: string) => ({ version: 1, sha256Hash });

describe('persisted operations allow-list', () => {
  it('runs a listed operation sent by its hash, with variables', async () => {
    const res = await postGraphQL(url, { extensions: { persistedQuery: persisted(TASKS_HASH) }, variables: { n: 2 } });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const edges = res.json.data.groupCallTasks.edges;
    expect(edges).toHaveLength(2);
    expect(typeof edges[0].node.taskId).toBe('number');
    expect(stack.calls().tasks).toBe(1);
  });

  it('runs the other listed operation (the join)', async () => {
    const res = await postGraphQL(url, { extensions: { persistedQuery: persisted(JOIN_HASH) } });
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.recallFlows.edges).toHaveLength(3);
    expect(typeof res.json.data.recallFlows.edges[0].node.parentTask.taskId).toBe('number');
  });

  it('runs a listed operation sent by GET (with the CSRF header)', async () => {
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: persisted(TASKS_HASH) }));
    const res = await getUrl(`${url}?extensions=${ext}&variables=${encodeURIComponent('{"n":1}')}`, { 'x-graphql-yoga-csrf': '1' });
    expect(res.status).toBe(200);
    expect(res.json.data.groupCallTasks.edges).toHaveLength(1);
  });

  it('refuses an arbitrary query with no upstream call', async () => {
    const res = await postGraphQL(url, { query: '{ groupCallTasks(first: 1) { totalCount } }' });
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors?.length).toBeGreaterThan(0);
    // A request error: a code, a message saying what to send, 400 whatever the client accepts.
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toEqual({ message: expect.stringMatching(/send the hash/), extensions: { code: 'CANNOT_SEND_PQ_ID_AND_BODY' } });
    const legacy = await postGraphQL(url, { query: '{ groupCallTasks(first: 1) { totalCount } }' }, { accept: 'application/json' });
    expect(legacy.status).toBe(400);
    const none = await postGraphQL(url, {});
    expect(none.status).toBe(400);
    expect(none.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('refuses the text of a listed operation sent as a query (only the hash is accepted)', async () => {
    const res = await postGraphQL(url, { query: TASKS, variables: { n: 1 } });
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors?.length).toBeGreaterThan(0);
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('refuses an unknown hash with no upstream call', async () => {
    const res = await postGraphQL(url, { extensions: { persistedQuery: persisted(sha256('{ groupCallTasks { totalCount } }')) } });
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors?.[0]?.message).toMatch(/not ?found/i);
    expect(res.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(res.status).toBe(400);
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('logs the operation name of a persisted operation', async () => {
    const before = stack.logs.length;
    await postGraphQL(url, { extensions: { persistedQuery: persisted(JOIN_HASH) } }, { 'x-request-id': 'persisted-join-1' });
    const line = parseLines(stack.logs.slice(before)).find((l) => l.requestId === 'persisted-join-1');
    expect(line).toMatchObject({ operationName: 'PersistedJoin', outcome: 'ok', status: 200 });
  });
});
