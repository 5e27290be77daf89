/**
 * Environment variables, read once at module scope. Each helper throws EnvironmentError naming the variable,
 * so a misconfigured function fails at init with a message that says what to fix.
 */
import type { z } from 'zod';
import { EnvironmentError } from '../core/errors';

export type Env = Readonly<Record<string, string | undefined>>;

export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new EnvironmentError(`environment variable ${name} is required`, name);
  }
  return value;
}

export function optionalEnv(name: string, env: Env = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function intEnv(
  name: string,
  bounds: { min: number; max: number; default?: number },
  env: Env = process.env,
): number {
  const raw = optionalEnv(name, env);
  if (raw === undefined) {
    if (bounds.default !== undefined) return bounds.default;
    throw new EnvironmentError(
      `environment variable ${name} is required (a whole number ${bounds.min}-${bounds.max})`,
      name,
    );
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < bounds.min || n > bounds.max) {
    throw new EnvironmentError(
      `environment variable ${name} must be a whole number ${bounds.min}-${bounds.max}, not '${raw}'`,
      name,
    );
  }
  return n;
}

/** A JSON value validated by a zod schema; the message names the variable and the first bad key. */
export function jsonEnv<T extends z.ZodType>(name: string, schema: T, env: Env = process.env): z.output<T> {
  const raw = requireEnv(name, env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    if (cause instanceof SyntaxError) {
      throw new EnvironmentError(`environment variable ${name} is not valid JSON: ${cause.message}`, name, {
        cause,
      });
    }
    throw cause;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.map(String).join('.')}` : '';
    throw new EnvironmentError(
      `environment variable ${name} is invalid${where}: ${first?.message ?? 'invalid'}`,
      name,
    );
  }
  return result.data;
}
