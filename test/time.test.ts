import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromLocal,
  InvalidLocalTimeError,
  InvalidZoneError,
  offsetMinutesAt,
  parseZone,
  toIsoWithOffset,
  toLocal,
  type Zone,
} from '../src/time';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);
const pad = (n: number) => String(n).padStart(2, '0');
const offsetSpec = (minutes: number) =>
  `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

const PLUS8 = parseZone('+08:00');
const MINUS530 = parseZone('-05:30');
const UTC0 = parseZone('+00:00');
const NY = parseZone('America/New_York');
const SHANGHAI = parseZone('Asia/Shanghai');

describe('parseZone', () => {
  it.each([
    ['+08:00', 480, '+08:00'],
    ['+0800', 480, '+08:00'],
    ['UTC+08:00', 480, '+08:00'],
    ['GMT-0530', -330, '-05:30'],
    ['-05:30', -330, '-05:30'],
    ['+00:00', 0, '+00:00'],
    ['Z', 0, '+00:00'],
    ['UTC', 0, '+00:00'],
    ['+14:00', 840, '+14:00'],
    [' +08:00 ', 480, '+08:00'],
  ])('%s is a fixed offset of %i minutes', (spec, minutes, name) => {
    const z = parseZone(spec);
    expect(z).toMatchObject({ kind: 'offset', offsetMinutes: minutes, name });
  });

  it('accepts IANA names and keeps their canonical name', () => {
    expect(NY).toMatchObject({ kind: 'iana', name: 'America/New_York' });
    expect(SHANGHAI).toMatchObject({ kind: 'iana', name: 'Asia/Shanghai' });
  });

  it.each(['Mars/Olympus', '+15:00', '+08:60', '08:00', '+8', 'Asia/Nowhere', 'not a zone'])('rejects %j', (spec) => {
    expect(() => parseZone(spec)).toThrow(InvalidZoneError);
  });
});

describe('toLocal (instant → local date-time)', () => {
  it('+08:00', () => {
    expect(toLocal(utc(2024, 6, 4, 6, 49, 36), PLUS8)).toBe('2024-06-04 14:49:36');
  });

  it('-05:30', () => {
    expect(toLocal(utc(2024, 1, 1), MINUS530)).toBe('2023-12-31 18:30:00');
  });

  it('+00:00 is UTC', () => {
    expect(toLocal(utc(2024, 2, 29, 23, 59, 59), UTC0)).toBe('2024-02-29 23:59:59');
  });

  it('lands on local midnight across a day, month and year boundary', () => {
    expect(toLocal(utc(2024, 1, 31, 16), PLUS8)).toBe('2024-02-01 00:00:00');
    expect(toLocal(utc(2023, 12, 31, 16), PLUS8)).toBe('2024-01-01 00:00:00');
    expect(toLocal(utc(2023, 12, 31, 15, 59, 59), PLUS8)).toBe('2023-12-31 23:59:59');
    expect(toLocal(utc(2024, 3, 1, 5, 30), MINUS530)).toBe('2024-03-01 00:00:00');
  });

  it('truncates milliseconds (never rounds up to the next second)', () => {
    expect(toLocal(utc(2024, 6, 4, 6, 49, 36) + 999, PLUS8)).toBe('2024-06-04 14:49:36');
    expect(toLocal(utc(2024, 6, 4, 6, 49, 36) + 999, NY)).toBe('2024-06-04 02:49:36');
  });

  it('Asia/Shanghai is +08:00 all year', () => {
    for (const t of [utc(2024, 1, 15, 3), utc(2024, 7, 15, 3), utc(2024, 3, 10, 7), utc(2024, 11, 3, 6)]) {
      expect(toLocal(t, SHANGHAI)).toBe(toLocal(t, PLUS8));
      expect(offsetMinutesAt(t, SHANGHAI)).toBe(480);
    }
  });
});

describe('fromLocal (local date-time → instant)', () => {
  it('+08:00', () => {
    expect(fromLocal('2024-06-04 14:49:36', PLUS8)).toBe(utc(2024, 6, 4, 6, 49, 36));
  });

  it('-05:30', () => {
    expect(fromLocal('2023-12-31 18:30:00', MINUS530)).toBe(utc(2024, 1, 1));
  });

  it('+00:00', () => {
    expect(fromLocal('1970-01-01 00:00:00', UTC0)).toBe(0);
  });

  it('midnight and the leap day', () => {
    expect(fromLocal('2024-01-01 00:00:00', PLUS8)).toBe(utc(2023, 12, 31, 16));
    expect(fromLocal('2024-02-29 00:00:00', PLUS8)).toBe(utc(2024, 2, 28, 16));
    expect(fromLocal('2024-03-01 00:00:00', MINUS530)).toBe(utc(2024, 3, 1, 5, 30));
  });

  it('Asia/Shanghai', () => {
    expect(fromLocal('2024-06-04 14:49:36', SHANGHAI)).toBe(utc(2024, 6, 4, 6, 49, 36));
    expect(fromLocal('2024-01-01 00:00:00', SHANGHAI)).toBe(utc(2023, 12, 31, 16));
  });

  it.each([
    '2024-02-30 00:00:00',
    '2023-02-29 12:00:00',
    '2024-04-31 00:00:00',
    '2024-13-01 00:00:00',
    '2024-00-10 00:00:00',
    '2024-01-00 00:00:00',
    '2024-01-01 24:00:00',
    '2024-01-01 23:60:00',
    '2024-01-01 23:59:60',
    '2024-01-01T00:00:00',
    '2024-1-1 00:00:00',
    '2024-01-01 00:00',
    '2024-01-01 00:00:00Z',
    '2024-01-01 00:00:00.000',
    ' 2024-01-01 00:00:00',
    '2024/01/01 00:00:00',
    '',
    'yesterday',
  ])('rejects %j in an offset zone and in an IANA zone', (bad) => {
    expect(() => fromLocal(bad, PLUS8)).toThrow(InvalidLocalTimeError);
    expect(() => fromLocal(bad, NY)).toThrow(InvalidLocalTimeError);
  });
});

describe('America/New_York DST', () => {
  it('has the standard and the daylight offsets', () => {
    expect(offsetMinutesAt(utc(2024, 1, 15, 12), NY)).toBe(-300);
    expect(offsetMinutesAt(utc(2024, 7, 15, 12), NY)).toBe(-240);
  });

  it('spring forward: 01:59:59 EST is followed by 03:00:00 EDT', () => {
    expect(toLocal(utc(2024, 3, 10, 6, 59, 59), NY)).toBe('2024-03-10 01:59:59');
    expect(toLocal(utc(2024, 3, 10, 7), NY)).toBe('2024-03-10 03:00:00');
    expect(fromLocal('2024-03-10 01:59:59', NY)).toBe(utc(2024, 3, 10, 6, 59, 59));
    expect(fromLocal('2024-03-10 03:00:00', NY)).toBe(utc(2024, 3, 10, 7));
    expect(toIsoWithOffset(utc(2024, 3, 10, 6, 59, 59), NY)).toBe('2024-03-10T01:59:59-05:00');
    expect(toIsoWithOffset(utc(2024, 3, 10, 7), NY)).toBe('2024-03-10T03:00:00-04:00');
  });

  it('a time inside the spring-forward gap takes the offset in force before the gap (no throw, no NaN)', () => {
    const t = fromLocal('2024-03-10 02:30:00', NY);
    expect(t).toBe(utc(2024, 3, 10, 7, 30));
    expect(toLocal(t, NY)).toBe('2024-03-10 03:30:00');
  });

  it('fall back: an ambiguous local time resolves to the earlier instant', () => {
    const edt = utc(2024, 11, 3, 5, 30);
    const est = utc(2024, 11, 3, 6, 30);
    expect(toLocal(edt, NY)).toBe('2024-11-03 01:30:00');
    expect(toLocal(est, NY)).toBe('2024-11-03 01:30:00');
    expect(fromLocal('2024-11-03 01:30:00', NY)).toBe(edt);
    expect(toIsoWithOffset(edt, NY)).toBe('2024-11-03T01:30:00-04:00');
    expect(toIsoWithOffset(est, NY)).toBe('2024-11-03T01:30:00-05:00');
    // Either side of the overlap is unambiguous.
    expect(fromLocal('2024-11-03 00:59:59', NY)).toBe(utc(2024, 11, 3, 4, 59, 59));
    expect(fromLocal('2024-11-03 02:00:00', NY)).toBe(utc(2024, 11, 3, 7));
  });

  it('midnight in winter and in summer', () => {
    expect(fromLocal('2024-01-15 00:00:00', NY)).toBe(utc(2024, 1, 15, 5));
    expect(fromLocal('2024-07-15 00:00:00', NY)).toBe(utc(2024, 7, 15, 4));
    expect(toLocal(utc(2024, 7, 15, 4), NY)).toBe('2024-07-15 00:00:00');
  });
});

describe('toIsoWithOffset', () => {
  it('writes the local time with the zone offset', () => {
    expect(toIsoWithOffset(utc(2024, 6, 4, 6, 49, 36), PLUS8)).toBe('2024-06-04T14:49:36+08:00');
    expect(toIsoWithOffset(utc(2024, 1, 1), MINUS530)).toBe('2023-12-31T18:30:00-05:30');
    expect(toIsoWithOffset(utc(2024, 1, 1), UTC0)).toBe('2024-01-01T00:00:00+00:00');
    expect(toIsoWithOffset(utc(2024, 6, 4, 6, 49, 36), SHANGHAI)).toBe('2024-06-04T14:49:36+08:00');
  });

  it('parses back with Date to the same instant (seconds)', () => {
    const t = utc(2024, 6, 4, 6, 49, 36);
    for (const z of [PLUS8, MINUS530, UTC0, NY, SHANGHAI]) expect(Date.parse(toIsoWithOffset(t + 123, z))).toBe(t);
  });
});

describe('round trips (properties)', () => {
  // 1970-01-01 .. 2100-01-01, whole seconds.
  const seconds = fc.integer({ min: 0, max: 4_102_444_800 });
  const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });

  it('fixed offsets: fromLocal(toLocal(t)) = t truncated to the second', () => {
    fc.assert(
      fc.property(seconds, fc.integer({ min: 0, max: 999 }), offsetMinutes, (s, ms, off) => {
        const zone = parseZone(offsetSpec(off));
        expect(zone).toMatchObject({ kind: 'offset', offsetMinutes: off });
        const local = toLocal(s * 1000 + ms, zone);
        expect(local).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(fromLocal(local, zone)).toBe(s * 1000);
        expect(Date.parse(toIsoWithOffset(s * 1000 + ms, zone))).toBe(s * 1000);
        // The fixed-offset shortcut spells exactly what the local time and the offset say.
        expect(toIsoWithOffset(s * 1000 + ms, zone)).toBe(`${local.replace(' ', 'T')}${offsetSpec(off)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('fixed offsets: toLocal(fromLocal(x)) = x for every valid local date-time', () => {
    const local = fc
      .record({
        y: fc.integer({ min: 1971, max: 2099 }),
        mo: fc.integer({ min: 1, max: 12 }),
        d: fc.integer({ min: 1, max: 31 }),
        h: fc.integer({ min: 0, max: 23 }),
        mi: fc.integer({ min: 0, max: 59 }),
        s: fc.integer({ min: 0, max: 59 }),
      })
      .map(({ y, mo, d, h, mi, s }) => ({ valid: new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d, text: `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}` }));
    fc.assert(
      fc.property(local, offsetMinutes, ({ valid, text }, off) => {
        const zone = parseZone(offsetSpec(off));
        if (valid) expect(toLocal(fromLocal(text, zone), zone)).toBe(text);
        else expect(() => fromLocal(text, zone)).toThrow(InvalidLocalTimeError);
      }),
      { numRuns: 500 },
    );
  });

  it('America/New_York: fromLocal(toLocal(t)) is t, or t − 1 h only inside the fall-back hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800, max: 4_102_444_800 }), (s) => {
        const t = s * 1000;
        const local = toLocal(t, NY);
        const back = fromLocal(local, NY);
        expect(toLocal(back, NY)).toBe(local);
        if (back !== t) {
          expect(back).toBe(t - 3_600_000);
          expect(offsetMinutesAt(t, NY)).toBe(-300);
          expect(offsetMinutesAt(back, NY)).toBe(-240);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('Asia/Shanghai agrees with +08:00 in both directions (no DST since 1991)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 694_224_000, max: 4_102_444_800 }), (s) => {
        const local = toLocal(s * 1000, SHANGHAI);
        expect(local).toBe(toLocal(s * 1000, PLUS8));
        expect(fromLocal(local, SHANGHAI)).toBe(s * 1000);
      }),
      { numRuns: 300 },
    );
  });

  it('New York: sweeping both DST transition months every half hour never yields a NaN', () => {
    const zone: Zone = NY;
    for (const [start, end] of [
      [utc(2024, 3, 1), utc(2024, 4, 1)],
      [utc(2024, 11, 1), utc(2024, 12, 1)],
    ] as const) {
      for (let t = start; t < end; t += 1_800_000) {
        const local = toLocal(t, zone);
        const back = fromLocal(local, zone);
        expect(Number.isFinite(back)).toBe(true);
        expect(toLocal(back, zone)).toBe(local);
      }
    }
  });
});
