/**
 * The DateTime scalar: ISO-8601 instants with an offset. Output is shown in the upstream
 * account's zone (e.g. 2024-06-04T14:49:36+08:00); input must carry an offset or Z.
 */
import { GraphQLError, Kind } from 'graphql';
import { toIsoWithOffset } from '../time';
import { builder } from './builder';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Date.parse rolls impossible days over (2024-02-30 → 2024-03-01); refuse them instead. */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const check = new Date(0);
  check.setUTCFullYear(y, m - 1, d);
  return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
}

/**
 * Instants the upstream's `YYYY-MM-DD HH:mm:ss` can spell in any zone: from 1970 to the end of
 * 9998 (a day's margin either side of the offsets). Outside, a window would be sent upstream
 * as `0000-…` or `10000-…` and come back as the upstream's error instead of the client's.
 */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(9998, 11, 31, 23, 59, 59);

function parseInstant(value: unknown): number {
  const ms = typeof value === 'string' && ISO.test(value) && realDay(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new GraphQLError('DateTime must be an ISO-8601 date-time with an offset, e.g. 2024-06-04T14:49:36+08:00', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw new GraphQLError('DateTime must lie between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return ms;
}

builder.scalarType('DateTime', {
  description:
    'An instant, ISO-8601 with an offset, e.g. 2024-06-04T14:49:36+08:00 or 2024-06-04T06:49:36Z.\n' +
    'Upstream local date-times are converted with the configured upstream time zone.',
  serialize: (v) => toIsoWithOffset(v.epochMs, v.zone),
  parseValue: parseInstant,
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : undefined),
});
