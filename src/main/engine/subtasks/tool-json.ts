import { normalizeTool, ToolValidationError } from '../tools/normalize';
import type { JsonSchema, ToolDef } from '../tools/types';

/**
 * Tool definitions as sub-task text: printed as compact JSON (what doc adaption and tool generation learn
 * to write) and read back with the tool-making rule checks of method.md — valid JSON, a valid JSON-Schema
 * object, names unique, required ⊆ properties, types known.
 */

const KNOWN_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null']);

/** The JSON a model writes for one tool: name, description, parameters (object schema). */
export function toolJson(tool: ToolDef): { name: string; description: string; parameters: unknown } {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}

export function printTool(tool: ToolDef): string {
  return JSON.stringify(toolJson(tool));
}

export function printTools(tools: readonly ToolDef[]): string {
  return JSON.stringify(tools.map(toolJson));
}

export type ToolParse = { ok: true; tools: ToolDef[] } | { ok: false; reason: string; path?: string };

/** The first JSON value in `text` (a model may add words around it), or an error saying where it broke. */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const start = text.search(/[[{]/);
  if (start < 0) return { ok: false, reason: 'no JSON object or list in the output' };
  const open = text[start]!;
  const close = open === '{' ? '}' : ']';
  // Try the longest candidate first (to the last closing bracket), then shorter ones.
  for (let end = text.lastIndexOf(close); end > start; end = text.lastIndexOf(close, end - 1)) {
    try {
      return { ok: true, value: JSON.parse(text.slice(start, end + 1)) as unknown };
    } catch {
      /* try a shorter span */
    }
  }
  try {
    JSON.parse(text.slice(start));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  return { ok: false, reason: 'invalid JSON' };
}

/** Problems of a schema node: unknown types, required names that are not properties (path-named). */
export function schemaProblems(schema: JsonSchema, path: string): string[] {
  const out: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const t of types) if (!KNOWN_TYPES.has(t)) out.push(`${path}.type: unknown type "${String(t)}"`);
  const props = schema.properties ?? {};
  for (const r of schema.required ?? []) if (!(r in props)) out.push(`${path}.required: "${r}" is not a property`);
  for (const [name, p] of Object.entries(props)) out.push(...schemaProblems(p, `${path}.properties.${name}`));
  if (schema.items) out.push(...schemaProblems(schema.items, `${path}.items`));
  return out;
}

/** Reads a list of tools (or one tool, when `single`) and applies the rule checks. */
export function parseToolsText(text: string, single = false): ToolParse {
  const json = extractJson(text);
  if (!json.ok) return json;
  const list = single ? [json.value] : Array.isArray(json.value) ? json.value : null;
  if (!list) return { ok: false, reason: 'expected a JSON list of tools' };
  if (list.length === 0) return { ok: false, reason: 'the list of tools is empty' };
  const tools: ToolDef[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const path = single ? 'tool' : `tools[${i}]`;
    let tool: ToolDef;
    try {
      tool = normalizeTool(list[i], path);
    } catch (error) {
      if (error instanceof ToolValidationError) return { ok: false, reason: error.message, path: error.path };
      return { ok: false, reason: `${path}: ${(error as Error).message}` };
    }
    if (seen.has(tool.name)) return { ok: false, reason: `${path}.name: "${tool.name}" is defined twice`, path: `${path}.name` };
    seen.add(tool.name);
    const problems = schemaProblems(tool.parameters, `${path}.parameters`);
    if (problems.length) return { ok: false, reason: problems[0]!, path };
    tools.push(tool);
  }
  return { ok: true, tools };
}
