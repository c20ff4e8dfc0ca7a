/// <reference lib="es2023.array" />
import type { ModelMessage, ProtocolModel, Schema } from './protocol-model.js';

const REF_PREFIX = '#/components/schemas/';
const ARROW = { toServer: 'client → server', toClient: 'server → client' } as const;

/** `content.text` → `string, required`: every field of a schema, with refs followed (a loop stops at the second visit). */
function fields(
  schema: Schema | null | undefined,
  schemas: Record<string, Schema>,
  path: string,
  out: Map<string, string>,
  seen: string[] = [],
): void {
  if (!schema) return;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.slice(REF_PREFIX.length);
    if (seen.includes(name)) return;
    fields(schemas[name], schemas, path, out, [...seen, name]);
    return;
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const shape = { ...schema };
  delete shape.properties;
  delete shape.required;
  delete shape.description;
  out.set(path, JSON.stringify(shape));
  for (const [key, value] of Object.entries(properties)) {
    const child = `${path}.${key}`;
    fields(value, schemas, child, out, seen);
    out.set(child, `${out.get(child) ?? ''}${required.has(key) ? ' (required)' : ''}`);
  }
  if (schema.items && typeof schema.items === 'object') fields(schema.items as Schema, schemas, `${path}[]`, out, seen);
}

/** `chat.message (client → server)`: how a change names its message. */
const key = (m: ModelMessage): string => `${m.type} (${ARROW[m.direction]})`;

function fieldsOf(m: ModelMessage, model: ProtocolModel): Map<string, string> {
  const out = new Map<string, string>();
  fields(m.content, model.schemas, 'content', out);
  fields(m.meta, model.schemas, 'meta', out);
  return out;
}

/**
 * What changed between two protocols, one line per change, each naming the
 * message type (and direction) and the field: a message added or removed, a
 * field added, removed or changed, a reply that changed. Empty when they
 * describe the same messages.
 */
export function diffProtocols(before: ProtocolModel, after: ProtocolModel): string[] {
  const old = new Map(before.messages.map((m) => [key(m), m]));
  const now = new Map(after.messages.map((m) => [key(m), m]));
  const changes: string[] = [];
  for (const [name, m] of now) {
    const was = old.get(name);
    if (!was) {
      changes.push(`${name}: new message type`);
      continue;
    }
    const a = fieldsOf(was, before);
    const b = fieldsOf(m, after);
    const removed = [...a.keys()].filter((f) => !b.has(f));
    const added = [...b.keys()].filter((f) => !a.has(f));
    for (const f of removed) changes.push(`${name}: field ${f} was removed${added.length ? ` (renamed to ${added.join(', ')}?)` : ''}`);
    for (const f of added) changes.push(`${name}: field ${f} is new`);
    for (const [f, shape] of b)
      if (a.has(f) && a.get(f) !== shape) changes.push(`${name}: field ${f} changed from ${a.get(f)} to ${shape}`);
    if (was.reply !== m.reply) changes.push(`${name}: the reply changed from ${was.reply ?? 'none'} to ${m.reply ?? 'none'}`);
    if (was.contentRequired !== m.contentRequired)
      changes.push(`${name}: content is ${m.contentRequired ? 'now required' : 'no longer required'}`);
  }
  for (const name of old.keys()) if (!now.has(name)) changes.push(`${name}: message type was removed`);
  return changes;
}
