import type { Schema } from './protocol-model.js';

const REF_PREFIX = '#/components/schemas/';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A TypeScript identifier made of a schema name. */
export const typeName = (name: string): string => {
  const cleaned = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
};

/** A property key as TypeScript accepts it. */
export const propertyKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** A JSDoc comment of plain text (a hostile `*\/` cannot end it early). */
export function docComment(text: string | null | undefined, indent: string): string {
  if (!text) return '';
  const lines = text.replace(/\*\//g, '*\\/').split('\n');
  return lines.length === 1
    ? `${indent}/** ${lines[0]} */\n`
    : `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

const literal = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
    ? JSON.stringify(value)
    : 'unknown';

const union = (parts: string[]): string => {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? 'never' : unique.includes('unknown') ? 'unknown' : unique.join(' | ');
};

/** The TypeScript type of a JSON schema; `$ref`s to components become their type names. */
export function schemaToTs(schema: Schema | undefined, indent = ''): string {
  if (!schema || typeof schema !== 'object') return 'unknown';
  if (typeof schema.$ref === 'string')
    return schema.$ref.startsWith(REF_PREFIX) ? typeName(schema.$ref.slice(REF_PREFIX.length)) : 'unknown';
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key])) return union((schema[key] as Schema[]).map((s) => wrap(schemaToTs(s, indent))));
  }
  if (Array.isArray(schema.allOf)) return (schema.allOf as Schema[]).map((s) => wrap(schemaToTs(s, indent))).join(' & ');
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : schema.type === undefined ? [] : [schema.type];
  if (types.length > 1) return union(types.map((type) => schemaToTs({ ...schema, type }, indent)));
  switch (types[0]) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${schemaToTs(schema.items as Schema | undefined, indent)}>`;
    case 'object':
      return objectType(schema, indent);
    default:
      return schema.properties ? objectType(schema, indent) : 'unknown';
  }
}

const wrap = (type: string): string => (/[|&]/.test(type) && !type.startsWith('{') ? `(${type})` : type);

/** An object type literal: its properties (optional unless required), and an index signature when others may come. */
export function objectType(schema: Schema, indent = '', open = false): string {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const inner = indent + '  ';
  const lines = Object.entries(properties).map(
    ([key, value]) =>
      `${docComment(value.description as string | undefined, inner)}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${schemaToTs(value, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (open || (extra !== false && lines.length === 0)) lines.push(`${inner}[key: string]: unknown;`);
  else if (extra && typeof extra === 'object') lines.push(`${inner}[key: string]: ${schemaToTs(extra as Schema, inner)};`);
  return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`;
}
