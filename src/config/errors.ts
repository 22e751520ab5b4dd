/** Thrown by `start()` when configuration is invalid; the message names key, value and what is allowed. */
export class RampartConfigError extends Error {
  readonly code = 'RAMPART_CONFIG_INVALID';
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly origin: string,
  ) {
    super(`rampart: invalid configuration ${origin}: "${key}" is ${describe(value)}; allowed: ${allowed}`);
    this.name = 'RampartConfigError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 80) + '…' : text;
  } catch {
    return typeof value;
  }
}
