/**
 * date-time.ts: the DateTime scalar parses ISO-8601 instants that carry an offset (and nothing
 * else) and serializes upstream instants in the account's zone.
 */
import { GraphQLError, Kind, type GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { parseZone } from '../../src/time';

const DateTime = schema.getType('DateTime') as GraphQLScalarType;

function refused(fn: () => unknown) {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect((thrown as Error | undefined)?.name).toBe('GraphQLError');
  expect((thrown as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
}

describe('DateTime input', () => {
  it.each<[string, number]>([
    ['2024-06-04T14:49:36+08:00', Date.UTC(2024, 5, 4, 6, 49, 36)],
    ['2024-06-04T06:49:36Z', Date.UTC(2024, 5, 4, 6, 49, 36)],
    ['2024-06-04T06:49:36z', Date.UTC(2024, 5, 4, 6, 49, 36)],
    ['2024-06-04T01:19:36-05:30', Date.UTC(2024, 5, 4, 6, 49, 36)],
    ['2024-06-04T06:49Z', Date.UTC(2024, 5, 4, 6, 49, 0)],
    ['2024-06-04T06:49:36.250Z', Date.UTC(2024, 5, 4, 6, 49, 36, 250)],
    ['2024-02-29T00:00:00+08:00', Date.UTC(2024, 1, 28, 16)],
    ['2024-06-05T00:00:00+08:00', Date.UTC(2024, 5, 4, 16)],
  ])('%s → the instant', (text, ms) => {
    expect(DateTime.parseValue(text)).toBe(ms);
    expect(DateTime.parseLiteral({ kind: Kind.STRING, value: text }, undefined)).toBe(ms);
  });

  it.each([
    ['no offset', '2024-06-04T14:49:36'],
    ['date only', '2024-06-04'],
    ['space instead of T (upstream local form)', '2024-06-04 14:49:36'],
    ['not a date', 'yesterday'],
    ['empty', ''],
    ['impossible month', '2024-13-04T14:49:36Z'],
    ['30 February', '2024-02-30T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T10:00:00+08:00'],
    ['31 April', '2024-04-31T00:00:00Z'],
    ['minute 60', '2024-06-04T14:60:00Z'],
    ['offset out of range', '2024-06-04T14:49:36+25:00'],
    ['epoch number', 1717483776000],
    ['null', null],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['year 9999 (no upstream local time can spell every zone of it)', '9999-12-31T00:00:00Z'],
  ])('%s is BAD_USER_INPUT', (_name, value) => {
    refused(() => DateTime.parseValue(value));
  });

  it('literals that are not strings are BAD_USER_INPUT', () => {
    refused(() => DateTime.parseLiteral({ kind: Kind.INT, value: '1717483776' }, undefined));
  });
});

describe('DateTime output', () => {
  it('shows an instant as wall time in the account zone with its offset', () => {
    const ms = Date.UTC(2024, 5, 4, 6, 49, 36);
    expect(DateTime.serialize({ epochMs: ms, zone: parseZone('+08:00') })).toBe('2024-06-04T14:49:36+08:00');
    expect(DateTime.serialize({ epochMs: ms, zone: parseZone('-05:30') })).toBe('2024-06-04T01:19:36-05:30');
    expect(DateTime.serialize({ epochMs: ms, zone: parseZone('UTC') })).toBe('2024-06-04T06:49:36+00:00');
  });

  it('crosses midnight and the year in the account zone', () => {
    expect(DateTime.serialize({ epochMs: Date.UTC(2023, 11, 31, 16, 0, 0), zone: parseZone('+08:00') })).toBe('2024-01-01T00:00:00+08:00');
    expect(DateTime.serialize({ epochMs: Date.UTC(2023, 11, 31, 15, 59, 59), zone: parseZone('+08:00') })).toBe('2023-12-31T23:59:59+08:00');
  });

  it('follows DST in an IANA zone', () => {
    const ny = parseZone('America/New_York');
    // 2024-03-10 02:00 EST → 03:00 EDT
    expect(DateTime.serialize({ epochMs: Date.UTC(2024, 2, 10, 6, 59, 59), zone: ny })).toBe('2024-03-10T01:59:59-05:00');
    expect(DateTime.serialize({ epochMs: Date.UTC(2024, 2, 10, 7, 0, 0), zone: ny })).toBe('2024-03-10T03:00:00-04:00');
  });

  it('round-trips: what it serializes parses back to the same instant', () => {
    for (const zone of ['+08:00', '-05:30', 'Asia/Shanghai', 'America/New_York']) {
      for (const ms of [0, Date.UTC(2024, 1, 29, 12), Date.UTC(2024, 10, 3, 5, 30), 1_795_269_526_000]) {
        expect(DateTime.parseValue(DateTime.serialize({ epochMs: ms, zone: parseZone(zone) }))).toBe(ms);
      }
    }
  });
});
