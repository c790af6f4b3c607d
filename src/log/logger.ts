// Structured logs: one JSON object per line on stdout. Never pass a token, code, secret or full
// email address as a field; use maskEmail() for addresses.
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Field names whose values are never written, whatever a caller passes by mistake.
const secretField = /token|secret|password|authorization|cookie|verifier|(^|_)(code|otp)$/i;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass an array collector. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const threshold = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(line + "\n"));
  const safeBase = redact(base);
  const emit = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (order[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...safeBase, ...redact(fields) }));
  };
  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

// Field names are few and fixed in the code: each is tested against secretField once.
const secretNames = new Map<string, boolean>();
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = secretField.test(key);
    if (secretNames.size < 10_000) secretNames.set(key, secret);
  }
  return secret;
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    if (isSecretName(key)) out[key] = "[redacted]";
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else out[key] = value;
  }
  return out;
}

/** `jane.doe@example.com` -> `j***@example.com`: enough to support a user, useless to an attacker. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** A logger that writes nothing, for unit tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ write: () => {} });
