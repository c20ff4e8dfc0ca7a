import { apiUrl, request } from './api-client.js';
import { byId, el } from './dom.js';

type Ref = { $ref: string };
type Schema = Record<string, unknown>;

/** The parts of the AsyncAPI document the view reads. */
interface AsyncApiAnswer {
  operations?: Record<string, { action?: string; messages?: Ref[]; reply?: { messages?: Ref[] } }>;
  components?: {
    messages?: Record<string, AsyncApiMessage>;
    schemas?: Record<string, Schema>;
  };
}

interface AsyncApiMessage {
  name?: string;
  description?: string;
  payload?: { properties?: { content?: Schema; meta?: Schema } };
  examples?: Array<{ payload?: { content?: unknown } }>;
}

interface Row {
  message: AsyncApiMessage;
  direction: string;
}

const SCHEMA_PREFIX = '#/components/schemas/';
const lastPart = (ref: Ref): string => ref.$ref.slice(ref.$ref.lastIndexOf('/') + 1);

/** The schema with its `$ref`s replaced by what they name (a loop is left as its `$ref`). */
function inline(schema: unknown, schemas: Record<string, Schema>, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, schemas, seen));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Partial<Ref>).$ref;
  if (typeof ref === 'string' && ref.startsWith(SCHEMA_PREFIX)) {
    const name = ref.slice(SCHEMA_PREFIX.length);
    return seen.includes(name) || !schemas[name] ? schema : inline(schemas[name], schemas, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, schemas, seen)]));
}

/** One row per message and direction: clients send what operations receive; the server sends the rest and the replies. */
function rowsOf(doc: AsyncApiAnswer): Row[] {
  const messages = doc.components?.messages ?? {};
  const rows = new Map<string, Row>();
  const add = (ref: Ref, direction: string) => {
    const key = lastPart(ref);
    const message = messages[key];
    if (message && !rows.has(key)) rows.set(key, { message, direction });
  };
  for (const op of Object.values(doc.operations ?? {})) {
    const sender = op.action === 'receive' ? 'client → server' : 'server → client';
    for (const ref of op.messages ?? []) add(ref, sender);
  }
  for (const op of Object.values(doc.operations ?? {})) {
    const asked = op.messages?.[0] ? messages[lastPart(op.messages[0])]?.name : undefined;
    for (const ref of op.reply?.messages ?? []) add(ref, 'server → client, reply to ' + (asked ?? '?'));
  }
  return [...rows.values()].toSorted(
    (a, b) => String(a.message.name).localeCompare(String(b.message.name)) || a.direction.localeCompare(b.direction),
  );
}

const pre = (value: unknown): HTMLElement => el('pre', null, JSON.stringify(value, null, 2));

function renderProtocol(doc: AsyncApiAnswer): void {
  const body = byId('protocol-body');
  body.replaceChildren();
  const schemas = doc.components?.schemas ?? {};
  const rows = rowsOf(doc);
  for (const { message, direction } of rows) {
    const properties = message.payload?.properties ?? {};
    const tr = el('tr', { 'data-type': String(message.name), 'data-direction': direction.startsWith('client') ? 'in' : 'out' });
    tr.appendChild(el('td', { class: 'id' }, message.name));
    tr.appendChild(el('td', null, direction));
    tr.appendChild(el('td', null, message.description ?? ''));
    const schema: Record<string, unknown> = { content: inline(properties.content ?? {}, schemas) };
    if (
      properties.meta &&
      Object.keys((properties.meta as { properties?: object }).properties ?? {}).length + ('$ref' in properties.meta ? 1 : 0) > 0
    ) {
      schema.meta = inline(properties.meta, schemas);
    }
    tr.appendChild(el('td', null)).appendChild(pre(schema));
    const example = message.examples?.[0]?.payload;
    const cell = tr.appendChild(el('td', null));
    if (example) cell.appendChild(pre(example));
    body.appendChild(tr);
  }
  byId('protocol-empty').hidden = rows.length > 0;
}

/** Loads the protocol view from the AsyncAPI document (built once at boot, so loaded once) and links the document. */
export function loadProtocol(): void {
  byId('protocol-json').setAttribute('href', apiUrl('/ws/asyncapi.json'));
  byId('protocol-yaml').setAttribute('href', apiUrl('/ws/asyncapi.yaml'));
  request<AsyncApiAnswer>('/ws/asyncapi.json').then(renderProtocol, () => {
    byId('protocol-empty').hidden = false;
  });
}
