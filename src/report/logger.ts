/**
 * The logger factory. JSON lines by default (what log pipelines want);
 * pino-pretty only for the demo or a terminal. Secrets are redacted as a
 * second line of defence (the API client never logs them): secret-looking
 * fields by name, and the configured credentials in every form, anywhere in
 * a line (a message, an error, a nested field).
 */
import { pino, type Logger } from 'pino';
import { createScrubber } from '../domain/redact.js';

export const REDACT_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'clientSecret',
  'client_secret',
  'authorization',
  'headers.authorization',
  '*.token',
  '*.clientSecret',
  '*.authorization',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /**
   * Where JSON lines go: a file descriptor (1 stdout, 2 stderr) or a stream
   * (tests capture lines this way). One-shot commands log to stderr so that
   * stdout carries only the plan.
   */
  destination?: 1 | 2 | NodeJS.WritableStream;
  /** Credentials to remove from every line, whatever field or form they appear in. */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const scrubLine = createScrubber(options.secrets ?? []);
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: scrubLine },
  };
  if (options.pretty) {
    const destination = typeof options.destination === 'number' ? options.destination : 1;
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss', destination } },
    });
  }
  const destination = options.destination ?? 1;
  return pino(base, typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination);
}
