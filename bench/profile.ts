/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per
 * module (a package under node_modules, a source file of the project, or node's internals).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleShare: number;
  functions: ProfileRow[];
  modules: ProfileRow[];
}

function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

/** A span of the process's monotonic clock in microseconds (process.hrtime and V8 share it on Linux). */
export interface Span {
  fromUs: number;
  toUs: number;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Self time per function and module; with `spans`, only samples taken inside them count. */
export function summarizeProfile(file: string, spans?: Span[], top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the sample stream (more exact than hitCount × mean interval).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (spans && !spans.some((s) => t >= s.fromUs && t <= s.toUs)) continue;
    const next = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, next));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += us;
    const where = url ? `${moduleOf(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    const m = functionName.startsWith('(') ? functionName : moduleOf(url);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: us / totalUs }));
  return { totalMs: Math.round(totalUs / 1000), idleShare: idle / totalUs, functions: rows(fn), modules: rows(mod) };
}

export function formatProfile(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `CPU profile of the gateway: ${summary.totalMs} ms sampled, ${pct(summary.idleShare)} idle`,
    '',
    '| self time by module | ms | share |',
    '| --- | ---: | ---: |',
    ...summary.modules.map((r) => `| ${r.name} | ${r.selfMs} | ${pct(r.share)} |`),
    '',
    '| self time by function | ms | share |',
    '| --- | ---: | ---: |',
    ...summary.functions.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.selfMs} | ${pct(r.share)} |`),
  ];
  return lines.join('\n');
}
