/**
 * Structured JSON logs (pino), pretty in a terminal. Secrets and tokens are redacted by path,
 * and the configured secret is also scrubbed from any string that would carry it.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'secret',
  'apiSecret',
  '*.apiSecret',
  '*.*.apiSecret',
  'token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'headers.Sign',
  'headers.sign',
  '*.Sign',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Values that must never appear in a log line (the upstream secret, gateway tokens). */
  secrets?: string[];
  /** Where lines go (tests capture them); default stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  // A line is JSON: a secret with a quote, a backslash or a control character is written escaped.
  const secrets = [...new Set((opts.secrets ?? []).filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  const scrub = (line: string) => secrets.reduce((acc, s) => acc.split(s).join('[REDACTED]'), line);
  const options = {
    level: opts.level,
    redact: { paths: REDACT, censor: '[REDACTED]' },
    base: undefined,
    hooks: secrets.length ? { streamWrite: scrub } : {},
  };
  if (opts.pretty && !opts.destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
