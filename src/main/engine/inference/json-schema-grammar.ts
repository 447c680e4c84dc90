import type { GbnfJsonSchema } from 'node-llama-cpp';
import { isRecord } from '../../../shared/json';

/**
 * OpenAI's `response_format: {type: "json_schema"}` schemas, checked against what node-llama-cpp's JSON-schema
 * grammar (`llama.createGrammarForJsonSchema`) can enforce. A schema the grammar cannot express is refused by
 * naming the keyword, rather than accepted and silently not enforced.
 *
 * What is enforced: `type` (one or several), `properties` (every listed property is generated: OpenAI's strict
 * mode requires all of them in `required`, and a generated optional property is still valid), `required`,
 * `additionalProperties` (false, true or a schema), `enum`, `const`, `items`, `prefixItems`, `minItems`,
 * `maxItems`, `minProperties`, `maxProperties`, `minLength`, `maxLength`, `format` (date-time, date, time),
 * `oneOf` / `anyOf` (alternatives), `$defs` / `definitions` with local `$ref`s. Annotations (`title`,
 * `description`, `default`, `examples`, `$schema`, `$id`, `$comment`, `strict`) are accepted and ignored.
 */

export class JsonSchemaError extends Error {
  constructor(
    message: string,
    /** Where in the schema, as a dotted path (`properties.age.minimum`). */
    readonly path: string,
  ) {
    super(message);
    this.name = 'JsonSchemaError';
  }
}

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$schema',
  '$id',
  '$comment',
  'strict',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'format',
  'oneOf',
  'anyOf',
  '$defs',
  'definitions',
  '$ref',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
const FORMATS = new Set(['date-time', 'date', 'time']);

type Json = Record<string, unknown>;

/**
 * The schema in node-llama-cpp's dialect (`anyOf` as `oneOf`, `definitions` as `$defs`, annotations dropped),
 * or a `JsonSchemaError` naming the first keyword it cannot enforce.
 */
export function toGbnfJsonSchema(schema: unknown): GbnfJsonSchema {
  // Definitions live at the root in OpenAI schemas; node-llama-cpp reads them from any schema on the way down.
  return convert(schema, '', true) as GbnfJsonSchema;
}

function convert(schema: unknown, path: string, root = false): Json {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (!isRecord(schema)) throw new JsonSchemaError(`${path || 'the schema'} must be a JSON Schema object.`, path);
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) {
      if (key === 'description' && typeof value === 'string') out.description = value;
      continue;
    }
    if (!KNOWN.has(key))
      throw new JsonSchemaError(
        `response_format: the JSON Schema keyword "${key}" (at ${at(key)}) cannot be enforced by this server.`,
        at(key),
      );
    switch (key) {
      case 'type': {
        const types = Array.isArray(value) ? value : [value];
        for (const t of types)
          if (typeof t !== 'string' || !TYPES.has(t))
            throw new JsonSchemaError(`response_format: unknown type ${JSON.stringify(t)} at ${at(key)}.`, at(key));
        if (types.length > 1 && types.some((t) => t === 'object' || t === 'array')) {
          // node-llama-cpp takes several types only among scalars: express the rest as alternatives.
          out.oneOf = types.map((t) => convert({ ...schema, type: t }, path));
          return out;
        }
        out.type = value;
        break;
      }
      case 'properties': {
        if (!isRecord(value)) throw new JsonSchemaError(`response_format: ${at(key)} must be an object.`, at(key));
        out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, `${at(key)}.${k}`)]));
        break;
      }
      case 'required': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
          throw new JsonSchemaError(`response_format: ${at(key)} must be a list of property names.`, at(key));
        const props = isRecord(schema.properties) ? schema.properties : {};
        const missing = value.find((name) => !(name in props));
        // A required key the grammar would never generate: the output could not be valid.
        if (missing !== undefined)
          throw new JsonSchemaError(`response_format: "${missing}" is required (at ${at(key)}) but not in properties.`, at(key));
        break; // every listed property is generated, so the required ones are too
      }
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : convert(value, at(key));
        break;
      case 'items':
        out.items = convert(value, at(key));
        break;
      case 'prefixItems':
      case 'oneOf':
      case 'anyOf': {
        if (!Array.isArray(value) || value.length === 0)
          throw new JsonSchemaError(`response_format: ${at(key)} must be a non-empty list.`, at(key));
        const list = value.map((v, i) => convert(v, `${at(key)}.${i}`));
        // Generation only needs one alternative to hold, which is what both keywords accept.
        if (key === 'prefixItems') out.prefixItems = list;
        else out.oneOf = list;
        break;
      }
      case '$defs':
      case 'definitions': {
        if (!isRecord(value)) throw new JsonSchemaError(`response_format: ${at(key)} must be an object.`, at(key));
        out.$defs = {
          ...(out.$defs as Json | undefined),
          ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, `${at(key)}.${k}`)])),
        };
        break;
      }
      case '$ref': {
        const m = typeof value === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(value) : null;
        if (!m)
          throw new JsonSchemaError(`response_format: only local references like "#/$defs/Name" can be enforced (at ${at(key)}).`, at(key));
        out.$ref = `#/$defs/${m[2]}`;
        break;
      }
      case 'format':
        if (typeof value !== 'string' || !FORMATS.has(value))
          throw new JsonSchemaError(
            `response_format: the string format ${JSON.stringify(value)} (at ${at(key)}) cannot be enforced by this server.`,
            at(key),
          );
        out.format = value;
        break;
      case 'enum':
        if (!Array.isArray(value) || value.length === 0 || value.some((v) => v !== null && typeof v === 'object'))
          throw new JsonSchemaError(`response_format: ${at(key)} must be a non-empty list of strings, numbers, booleans or null.`, at(key));
        out.enum = value;
        break;
      case 'const':
        if (value !== null && typeof value === 'object')
          throw new JsonSchemaError(
            `response_format: a "const" object or list (at ${at(key)}) cannot be enforced by this server.`,
            at(key),
          );
        out.const = value;
        break;
      default:
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
          throw new JsonSchemaError(`response_format: ${at(key)} must be a non-negative integer.`, at(key));
        out[key] = value;
    }
  }
  if ('enum' in out || 'const' in out) {
    // node-llama-cpp reads an enum or const alone; the type beside it adds nothing.
    delete out.type;
  }
  if (!('type' in out) && !('enum' in out) && !('const' in out) && !('oneOf' in out) && !('$ref' in out)) {
    if (root && !isRecord(schema.properties)) throw new JsonSchemaError('response_format: the schema needs a "type".', 'type');
    if ('properties' in out || 'additionalProperties' in out) out.type = 'object';
    else if ('items' in out || 'prefixItems' in out) out.type = 'array';
    else throw new JsonSchemaError(`response_format: ${path || 'the schema'} has no "type" (any value cannot be enforced).`, at('type'));
  }
  return out;
}
