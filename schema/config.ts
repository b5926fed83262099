import { z } from 'zod';

/**
 * One typed configuration schema per service. Every key has an environment-variable name,
 * a default (or is explicitly required) and a line of documentation; the README's
 * configuration table and the docker-compose consistency test are both read from these specs.
 */
export interface ConfigKey<T> {
  env: string;
  doc: string;
  schema: z.ZodType<T>;
  /** Default used when the variable is unset; omitted means the key is optional (undefined). */
  default?: string;
}

export type ConfigSpec = Record<string, ConfigKey<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends ConfigKey<infer T> ? T : never };

export function key<T>(env: string, doc: string, schema: z.ZodType<T>, defaultValue?: string): ConfigKey<T> {
  return { env, doc, schema, default: defaultValue };
}

export const port = () => z.coerce.number().int().min(0).max(65535);
export const optionalUrl = () => z.string().url().optional();

/** Reads and validates a spec from the environment; fails fast with every problem listed. */
export function loadConfig<S extends ConfigSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, k] of Object.entries(spec)) {
    const raw = env[k.env] === undefined || env[k.env] === '' ? k.default : env[k.env];
    const parsed = k.schema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${k.env}: ${parsed.error.issues.map((i) => i.message).join('; ')} (${k.doc})`);
  }
  if (problems.length) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return out as ConfigOf<S>;
}
