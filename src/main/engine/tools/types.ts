/**
 * The shapes every part of the engine uses for tools and calls: a tool definition normalised to one
 * JSON-Schema form, and a call as a name plus JSON-like arguments.
 */

export type CallValue = string | number | boolean | null | CallValue[] | { [k: string]: CallValue };

export interface Call {
  name: string;
  args: Record<string, CallValue>;
}

/** A JSON-Schema node as normalised by `normalize.ts` (no `type` means "any"). */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [k: string]: unknown;
}

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** The parameters of a tool: always an object schema with `properties` and a `required` list. */
export interface JsonSchemaObject extends JsonSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required: string[];
}

export interface ToolDef {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
  /** The definition exactly as it was given (OpenAI, BFCL, ToolACE, …). */
  original: unknown;
}

/** A tool as the model sees it (OpenAI function shape; parameters is a JSON-Schema object). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}
