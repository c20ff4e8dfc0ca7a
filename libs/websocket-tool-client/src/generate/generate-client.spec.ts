import { describe, expect, it } from 'vitest';
import { checkClient, generateClient } from './generate-client.js';
import { readSnapshot } from './render-client.js';
import { schemaToTs } from './schema-to-ts.js';

const HOSTILE = 'Ends a comment */ alert(1) /* and <img src=x onerror=alert(1)>';

/** A message component with its envelope. */
const envelope = (type: string, content: unknown, required = ['type', 'content']) => ({
  name: type,
  description: HOSTILE,
  payload: { type: 'object', required, properties: { type: { type: 'string', const: type }, content, meta: { type: 'object' } } },
});

/** A small AsyncAPI 3 document as a WebSocketTool server writes it. */
function document(noteProperties: Record<string, unknown> = { title: { type: 'string' }, pages: { type: 'integer' } }) {
  return {
    asyncapi: '3.0.0',
    info: { title: 't', version: '1' },
    channels: { websocket: { address: '/ws', messages: {} } },
    operations: {
      'client.note.add': {
        action: 'receive',
        channel: { $ref: '#/channels/websocket' },
        messages: [{ $ref: '#/components/messages/client.note.add' }],
        reply: { messages: [{ $ref: '#/components/messages/server.note.added' }] },
      },
    },
    components: {
      messages: {
        'client.note.add': envelope('note.add', { $ref: '#/components/schemas/NoteDto' }),
        'server.note.added': envelope('note.added', { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
      },
      schemas: { NoteDto: { type: 'object', properties: noteProperties, required: Object.keys(noteProperties).slice(0, 1) } },
    },
  };
}

describe('the client generator', () => {
  it('writes the schemas as interfaces and a facade with send, request and on per type', () => {
    const source = generateClient(document());
    expect(source).toContain('export interface NoteDto {\n  title: string;\n  pages?: number;\n}');
    expect(source).toContain('"note.add": NoteDto;');
    expect(source).toContain('noteAdd: request("note.add")');
    expect(source).toContain('noteAdded: on("note.added")');
    expect(source).toContain('"note.add": "note.added";');
  });

  it('keeps hostile descriptions inside their comments, and reads its snapshot back', () => {
    const source = generateClient(document());
    expect(source).not.toContain('*/ alert(1)');
    expect(source).toContain('Ends a comment *\\/ alert(1)');
    expect(readSnapshot(source)?.messages.find((m) => m.type === 'note.add')?.description).toBe(HOSTILE);
  });

  it('is up to date against the same document, and names the type and field of a renamed field', () => {
    const source = generateClient(document());
    expect(checkClient(source, document())).toEqual({ upToDate: true, changes: [] });
    const renamed = document({ heading: { type: 'string' }, pages: { type: 'integer' } });
    expect(checkClient(source, renamed).changes).toEqual([
      'note.add (client → server): field content.title was removed (renamed to content.heading?)',
      'note.add (client → server): field content.heading is new',
    ]);
    const retyped = document({ title: { type: 'string' }, pages: { type: 'string' } });
    expect(checkClient(source, retyped).changes).toEqual([
      'note.add (client → server): field content.pages changed from {"type":"integer"} to {"type":"string"}',
    ]);
  });

  it('maps JSON schema to TypeScript types', () => {
    expect(schemaToTs({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaToTs({ enum: ['a', 1] })).toBe('"a" | 1');
    expect(schemaToTs({ type: 'array', items: { $ref: '#/components/schemas/My-Dto' } })).toBe('Array<My_Dto>');
    expect(schemaToTs({ oneOf: [{ type: 'string' }, { type: 'object' }] })).toBe('string | {\n  [key: string]: unknown;\n}');
    expect(schemaToTs({})).toBe('unknown');
  });
});
