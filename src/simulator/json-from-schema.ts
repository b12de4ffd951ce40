// Builds a deterministic JSON value that satisfies a (simple) JSON schema: the arguments of a
// simulated tool call and the body of a structured-output reply. Supports the subset that tool
// schemas use in practice: type (also Gemini's upper-case names), properties, items, enum,
// const, default, anyOf/oneOf (first branch), nullable types and minItems.

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Schema = Record<string, unknown>;

const DEPTH_LIMIT = 8;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstType(schema: Schema): string | undefined {
  const declared = schema['type'];
  if (typeof declared === 'string') return declared.toLowerCase();
  if (Array.isArray(declared)) {
    const nonNull = declared.find((entry) => typeof entry === 'string' && entry.toLowerCase() !== 'null');
    return typeof nonNull === 'string' ? nonNull.toLowerCase() : 'null';
  }
  if (isSchema(schema['properties'])) return 'object';
  if (isSchema(schema['items'])) return 'array';
  return undefined;
}

function stringFor(schema: Schema, name: string): string {
  switch (schema['format']) {
    case 'date-time': return '2024-01-01T00:00:00Z';
    case 'date': return '2024-01-01';
    case 'email': return 'someone@example.com';
    case 'uri': return 'https://example.com/';
    case 'uuid': return '00000000-0000-4000-8000-000000000000';
    default: return name === '' ? 'sample' : `sample ${name}`;
  }
}

function numberFor(schema: Schema, integer: boolean): number {
  const minimum = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
  const maximum = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  let value = integer ? 42 : 3.5;
  if (minimum !== undefined && value < minimum) value = integer ? Math.ceil(minimum) : minimum;
  if (maximum !== undefined && value > maximum) value = integer ? Math.floor(maximum) : maximum;
  return value;
}

function objectFor(schema: Schema, depth: number): JsonValue {
  const result: { [key: string]: JsonValue } = {};
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  for (const [propertyName, propertySchema] of Object.entries(properties)) {
    result[propertyName] = valueFor(isSchema(propertySchema) ? propertySchema : {}, propertyName, depth + 1);
  }
  return result;
}

function arrayFor(schema: Schema, name: string, depth: number): JsonValue {
  const itemSchema = isSchema(schema['items']) ? schema['items'] : {};
  const minimumItems = typeof schema['minItems'] === 'number' ? Math.min(schema['minItems'], 4) : 1;
  const items: JsonValue[] = [];
  for (let index = 0; index < Math.max(1, minimumItems); index += 1) items.push(valueFor(itemSchema, name, depth + 1));
  return items;
}

function valueFor(schema: Schema, name: string, depth: number): JsonValue {
  if (depth > DEPTH_LIMIT) return null;
  if ('const' in schema) return schema['const'] as JsonValue;
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0] as JsonValue;
  if ('default' in schema) return schema['default'] as JsonValue;
  const branches = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(branches) && branches.length > 0) {
    const usable = branches.find((branch) => isSchema(branch) && branch['type'] !== 'null');
    return valueFor(isSchema(usable) ? usable : {}, name, depth + 1);
  }
  const type = firstType(schema);
  switch (type) {
    case 'object': return objectFor(schema, depth);
    case 'array': return arrayFor(schema, name, depth);
    case 'string': return stringFor(schema, name);
    case 'integer': return numberFor(schema, true);
    case 'number': return numberFor(schema, false);
    case 'boolean': return true;
    case 'null': return null;
    default: return name === '' ? {} : stringFor(schema, name);
  }
}

export function jsonValueFromSchema(schema: unknown): JsonValue {
  return valueFor(isSchema(schema) ? schema : {}, '', 0);
}

export function jsonTextFromSchema(schema: unknown): string {
  return JSON.stringify(jsonValueFromSchema(schema));
}
