import { z } from 'zod';
import type { JobKindInfo } from '../../../shared/contract/jobs';
import type { JobKindDef } from './types';

/**
 * Job kinds known to this process. A kind is defined once, at module load, with `defineJobKind`; the
 * composition root (`api.ts`) registers every kind the app runs, so every host knows the same kinds.
 */
const kinds = new Map<string, JobKindDef>();

export function defineJobKind<Schema extends z.ZodType>(def: JobKindDef<Schema>): JobKindDef<Schema> {
  if (!/^[a-z][a-z0-9_.-]*$/.test(def.kind)) {
    throw new Error(`Job kind "${def.kind}": use lower-case letters, digits, ".", "_" or "-", starting with a letter.`);
  }
  const existing = kinds.get(def.kind);
  if (existing && existing !== (def as unknown as JobKindDef)) throw new Error(`Job kind "${def.kind}" is defined twice.`);
  kinds.set(def.kind, def as unknown as JobKindDef);
  return def;
}

/** The composition root (`api.ts`) names the kinds it runs; defining twice the same kind is harmless. */
export function registerJobKinds(...defs: JobKindDef<z.ZodType>[]): void {
  for (const def of defs) defineJobKind(def);
}

export function findJobKind(kind: string): JobKindDef | undefined {
  return kinds.get(kind);
}

export function jobKindNames(): string[] {
  return [...kinds.keys()].sort();
}

export function describeJobKinds(): JobKindInfo[] {
  return jobKindNames().map((name) => {
    const def = kinds.get(name)!;
    let settingsSchema: JobKindInfo['settingsSchema'] = null;
    try {
      settingsSchema = z.toJSONSchema(def.settings, { io: 'input', unrepresentable: 'any' }) as JobKindInfo['settingsSchema'];
    } catch {
      settingsSchema = null;
    }
    return { kind: name, title: typeof def.title === 'string' ? def.title : name, resource: def.resource, settingsSchema };
  });
}
