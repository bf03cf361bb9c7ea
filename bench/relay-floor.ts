/**
 * The reference the bench's "relay floor" scenario measures: the least any Node gateway can do
 * for scenario 2. node:http in, the request's window read from its variables, one signed undici
 * call to the simulator (the gateway's own signing and dispatch code), the records relayed as
 * `{ data: { groupCallTasks: { totalCount, edges: [{ node }] } } }`. No GraphQL parsing,
 * validation, execution, auth, limits, logs or metrics. It is not a product; it bounds what a
 * ratio target can ask of one on this machine.
 * Environment: REFERENCE_PORT, HOST, LAAFFIC_BASE_URL, LAAFFIC_API_KEY, LAAFFIC_API_SECRET, LAAFFIC_TIMEZONE.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { parseZone, toLocal } from '../src/time';
import { postText } from '../src/upstream/post-text';
import { authHeaders } from '../src/upstream/sign';
import { TASKS_PATH } from './sim-control';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`relay-floor: ${name} is required`);
  return v;
};
const upstream = new URL(env('LAAFFIC_BASE_URL'));
const apiKey = env('LAAFFIC_API_KEY');
const apiSecret = env('LAAFFIC_API_SECRET');
const zone = parseZone(env('LAAFFIC_TIMEZONE'));
const pool = new Pool(upstream.origin, { connections: 32, keepAliveTimeout: 30_000 });
const never = new AbortController().signal;

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: { from: string; to: string } };
    const body = JSON.stringify({
      current: 1,
      size: 20,
      params: { strTime: toLocal(Date.parse(variables.from), zone), endTime: toLocal(Date.parse(variables.to), zone) },
    });
    postText(pool, { path: TASKS_PATH, headers: { 'content-type': 'application/json;charset=UTF-8', ...authHeaders(apiKey, apiSecret) }, body }, never).then(
      (answer) => {
        const envelope = JSON.parse(answer.text) as { data?: { total: number; records: unknown[] } };
        const page = envelope.data ?? { total: 0, records: [] };
        const text = JSON.stringify({ data: { groupCallTasks: { totalCount: page.total, edges: page.records.map((node) => ({ node })) } } });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      () => {
        res.writeHead(502).end();
      },
    );
  });
});
server.listen(Number(env('REFERENCE_PORT')), env('HOST'));
