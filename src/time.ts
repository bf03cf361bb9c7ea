/**
 * The one place that converts between instants and the upstream's local date-times
 * (`YYYY-MM-DD HH:mm:ss` in the account's zone). The zone is a fixed offset (`+08:00`)
 * or an IANA name (`Asia/Shanghai`); IANA zones go through Intl so DST is honoured.
 */

export type Zone =
  | { kind: 'offset'; name: string; offsetMinutes: number }
  | { kind: 'iana'; name: string; format: Intl.DateTimeFormat };

const OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/i;

export class InvalidZoneError extends Error {}
export class InvalidLocalTimeError extends Error {}

/** Parses `+08:00`, `-0530`, `Z`, `UTC` or an IANA zone name; throws InvalidZoneError otherwise. */
export function parseZone(spec: string): Zone {
  const s = spec.trim();
  if (s === 'Z' || s.toUpperCase() === 'UTC' || s.toUpperCase() === 'GMT') {
    return { kind: 'offset', name: '+00:00', offsetMinutes: 0 };
  }
  const m = OFFSET_RE.exec(s);
  if (m) {
    const hours = Number(m[2]);
    const minutes = Number(m[3]);
    if (hours > 14 || minutes > 59) throw new InvalidZoneError(`offset out of range: ${spec}`);
    const sign = m[1] === '-' ? -1 : 1;
    return { kind: 'offset', name: `${m[1]}${m[2]}:${m[3]}`, offsetMinutes: sign * (hours * 60 + minutes) };
  }
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: s,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    return { kind: 'iana', name: format.resolvedOptions().timeZone, format };
  } catch {
    throw new InvalidZoneError(`not an offset or IANA time zone: ${spec}`);
  }
}

/** The zone's offset from UTC, in minutes, at the given instant. */
export function offsetMinutesAt(epochMs: number, zone: Zone): number {
  if (zone.kind === 'offset') return zone.offsetMinutes;
  const parts: Record<string, number> = {};
  for (const p of zone.format.formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
// Every date-time of every record is formatted: the two-digit case without padStart.
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** The instant shifted by `offsetMinutes`, formatted `YYYY-MM-DD{sep}HH:mm:ss` (seconds truncated). */
function formatShifted(epochMs: number, offsetMinutes: number, sep: string): string {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMinutes * 60000);
  return (
    `${pad(shifted.getUTCFullYear(), 4)}-${pad2(shifted.getUTCMonth() + 1)}-${pad2(shifted.getUTCDate())}${sep}` +
    `${pad2(shifted.getUTCHours())}:${pad2(shifted.getUTCMinutes())}:${pad2(shifted.getUTCSeconds())}`
  );
}

/** Formats an instant as the upstream's local date-time (seconds precision, truncated). */
export function toLocal(epochMs: number, zone: Zone): string {
  return formatShifted(epochMs, offsetMinutesAt(epochMs, zone), ' ');
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Reads `len` decimal digits at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DD HH:mm:ss` as if it were UTC, in epoch ms; throws InvalidLocalTimeError for a
 * malformed or impossible value. Hand-rolled: every record of every page goes through here.
 */
function parseNaive(local: string): number {
  if (
    typeof local !== 'string' || local.length !== 19 || local[4] !== '-' || local[7] !== '-' || local[10] !== ' ' ||
    local[13] !== ':' || local[16] !== ':'
  ) {
    throw new InvalidLocalTimeError(`not a YYYY-MM-DD HH:mm:ss date-time: ${JSON.stringify(local)}`);
  }
  const y = digits(local, 0, 4);
  const mo = digits(local, 5, 2);
  const d = digits(local, 8, 2);
  const h = digits(local, 11, 2);
  const mi = digits(local, 14, 2);
  const s = digits(local, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) {
    throw new InvalidLocalTimeError(`not a YYYY-MM-DD HH:mm:ss date-time: ${JSON.stringify(local)}`);
  }
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  // Years below 100 would be read as 19xx by Date.UTC: no upstream record has one.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > monthDays || h > 23 || mi > 59 || s > 59) {
    throw new InvalidLocalTimeError(`no such date-time: ${local}`);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * Parses an upstream local date-time into epoch ms. In a DST overlap the earlier instant wins;
 * a time inside a DST gap is taken with the offset in force before the gap.
 */
export function fromLocal(local: string, zone: Zone): number {
  const naive = parseNaive(local);
  if (zone.kind === 'offset') return naive - zone.offsetMinutes * 60000;
  // Try the offsets in force a day either side; keep the earliest candidate that round-trips.
  const candidates = new Set([
    offsetMinutesAt(naive - 86400000, zone),
    offsetMinutesAt(naive, zone),
    offsetMinutesAt(naive + 86400000, zone),
  ]);
  let best: number | undefined;
  for (const off of candidates) {
    const t = naive - off * 60000;
    if (toLocal(t, zone) === local && (best === undefined || t < best)) best = t;
  }
  return best ?? naive - offsetMinutesAt(naive - 86400000, zone) * 60000;
}

/** ISO-8601 with the zone's offset, e.g. `2024-06-04T14:49:36+08:00`. */
export function toIsoWithOffset(epochMs: number, zone: Zone): string {
  // A fixed offset's name is already its canonical `±HH:MM` (parseZone).
  if (zone.kind === 'offset') return formatShifted(epochMs, zone.offsetMinutes, 'T') + zone.name;
  const off = offsetMinutesAt(epochMs, zone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${toLocal(epochMs, zone).replace(' ', 'T')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
