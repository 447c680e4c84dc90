/**
 * The built-in tool pool: `resources/tools/<domain>.json` (tool definitions in BFCL's shape, grouped by
 * domain) and `resources/tools/impl/<domain>.js` (executable implementations of some of them, plain
 * JavaScript run in the QuickJS sandbox).
 *
 * An implementation file defines `var TOOLS = {}` and one `TOOLS['name'] = function (args) {...}` per
 * implemented tool, with shared helpers beside them. Each tool's stored implementation is that whole file
 * plus a `main(args)` entry that calls its own function, so it is self-contained.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { normalizeTool, ToolValidationError } from '../tools/normalize';
import type { ToolDef } from '../tools/types';
import { resourcesDir } from '../lib/resources-dir';

export interface BuiltinTool {
  name: string;
  domain: string;
  description: string;
  /** The definition as written in the resource file (BFCL shape: `"type": "dict"`, `float`, …). */
  definition: Record<string, unknown>;
  /** The definition normalised to the engine's JSON-Schema form. */
  def: ToolDef;
  /** Source that defines `main(args)` running this tool, when the tool is executable. */
  implementation?: string;
}

const DomainFile = z.object({
  domain: z.string().regex(/^[a-z][a-z_]*$/, 'a lower-case domain name'),
  description: z.string().min(1),
  tools: z.array(z.record(z.string(), z.unknown())).min(1),
});

const IMPL_ENTRY = /^TOOLS\[(['"])([^'"]+)\1\]\s*=/gm;

/** The names a domain's implementation file implements (its `TOOLS['name'] =` lines). */
export function implementedNames(source: string): string[] {
  return [...source.matchAll(IMPL_ENTRY)].map((m) => m[2] as string);
}

/** A self-contained source running one tool of a domain implementation file. */
export function implementationFor(domainSource: string, name: string): string {
  return `${domainSource}\n;function main(args) { return TOOLS[${JSON.stringify(name)}](args); }\n`;
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

let cache: { dir: string; tools: BuiltinTool[] } | undefined;

/** Reads and validates the built-in pool (cached per resources folder). Errors name the file and field. */
export function loadBuiltinPool(dir = resourcesDir()): BuiltinTool[] {
  if (cache && cache.dir === dir) return cache.tools;
  const toolsDir = path.join(dir, 'tools');
  const implDir = path.join(toolsDir, 'impl');
  const files = fs
    .readdirSync(toolsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: BuiltinTool[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const full = path.join(toolsDir, file);
    const parsed = DomainFile.safeParse(readJson(full));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${full}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
    }
    const { domain, tools } = parsed.data;
    if (`${domain}.json` !== file) throw new Error(`${full}: domain "${domain}" does not match the file name`);
    const implFile = path.join(implDir, `${domain}.js`);
    const implSource = fs.existsSync(implFile) ? fs.readFileSync(implFile, 'utf8') : undefined;
    const implemented = new Set(implSource ? implementedNames(implSource) : []);
    const names = new Set<string>();
    tools.forEach((raw, i) => {
      let def: ToolDef;
      try {
        def = normalizeTool(raw, `tools[${i}]`);
      } catch (error) {
        if (error instanceof ToolValidationError) throw new Error(`${full}: ${error.message}`);
        throw error;
      }
      const earlier = seen.get(def.name);
      if (earlier) throw new Error(`${full}: tools[${i}].name: "${def.name}" is already defined in ${earlier}`);
      seen.set(def.name, file);
      names.add(def.name);
      out.push({
        name: def.name,
        domain,
        description: def.description,
        definition: raw,
        def,
        ...(implSource && implemented.has(def.name) ? { implementation: implementationFor(implSource, def.name) } : {}),
      });
    });
    for (const name of implemented) {
      if (!names.has(name)) throw new Error(`${implFile}: implements "${name}", which ${file} does not define`);
    }
  }
  cache = { dir, tools: out };
  return out;
}

/** The pool's tools by name. */
export function builtinToolMap(dir?: string): Map<string, BuiltinTool> {
  return new Map(loadBuiltinPool(dir).map((t) => [t.name, t]));
}

export function builtinDomains(dir?: string): string[] {
  return [...new Set(loadBuiltinPool(dir).map((t) => t.domain))];
}
