import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { WebSocketToolModule } from '../websocket-tool.module.js';
import { OnWsMessage, WsEmits } from '../messaging/discovery/on-ws-message.decorator.js';
import { CloseCode } from '../protocol/close-codes.js';
import { SystemMessageType } from '../protocol/message-types.js';
import { buildProtocolDocument } from './asyncapi-document.builder.js';
import { AsyncApiDocumentService } from './asyncapi-document.service.js';
import { toYaml } from './to-yaml.js';
import { WebSocketToolAdapter } from '../transport/websocket-tool.adapter.js';

class PointDto {
  @IsInt()
  x!: number;
}

class ShapeDto {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => PointDto)
  origin!: PointDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PointDto)
  corners!: PointDto[];

  /** Without `@Type`, what the array holds is not known. */
  @IsArray()
  @ValidateNested({ each: true })
  tags!: object[];
}

class AreaDto {
  @IsInt()
  @Min(0)
  area!: number;
}

@WsEmits('shape.changed', ShapeDto, { meta: PointDto, description: 'A shape moved' })
@Injectable()
class ShapeHandlers {
  @OnWsMessage('shape.measure', { dto: ShapeDto, description: 'Measures a shape' })
  measure(): AreaDto {
    return { area: 1 };
  }

  @OnWsMessage('shape.draw', { dto: ShapeDto, reply: { type: 'shape.drawn' }, emits: [{ type: 'shape.seen', example: 'hi' }] })
  draw(): Promise<unknown> {
    return Promise.resolve(undefined);
  }
}

interface Doc {
  operations: Record<string, { action: string; messages: Array<{ $ref: string }>; reply?: { messages: Array<{ $ref: string }> } }>;
  channels: { websocket: { messages: Record<string, unknown>; 'x-websocket-tool-close-codes': Array<{ code: number; reason: string }> } };
  components: {
    messages: Record<string, { name: string; payload: { properties: Record<string, unknown> } }>;
    schemas: Record<string, unknown>;
  };
}

async function build(): Promise<Doc> {
  const moduleRef = await Test.createTestingModule({ imports: [WebSocketToolModule.forRoot({})], providers: [ShapeHandlers] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new WebSocketToolAdapter(app));
  await app.init();
  try {
    return app.get(AsyncApiDocumentService).document.document as unknown as Doc;
  } finally {
    await app.close();
  }
}

describe('the AsyncAPI document', () => {
  it('describes each handler with its DTO, its reply (declared, or read from the return type) and what it emits', async () => {
    const doc = await build();
    expect(doc.operations['client.shape.measure']).toMatchObject({
      action: 'receive',
      description: 'Measures a shape',
      reply: { messages: [{ $ref: '#/channels/websocket/messages/server.shape.measure' }] },
    });
    expect(doc.components.messages['server.shape.measure']!.payload.properties.content).toEqual({ $ref: '#/components/schemas/AreaDto' });
    expect(doc.operations['client.shape.draw']!.reply!.messages).toEqual([{ $ref: '#/channels/websocket/messages/server.shape.drawn' }]);
    expect(doc.operations['server.shape.changed']).toMatchObject({ action: 'send', description: 'A shape moved' });
    expect(doc.components.messages['server.shape.changed']!.payload.properties.meta).toEqual({ $ref: '#/components/schemas/PointDto' });
    expect(doc.operations['server.shape.seen']).toMatchObject({ action: 'send' });
    expect(Object.keys(doc.components.schemas).toSorted()).toEqual(['AreaDto', 'PointDto', 'ShapeDto']);
    expect(doc.components.schemas).toMatchObject({
      ShapeDto: {
        properties: {
          name: { type: 'string' },
          origin: { $ref: '#/components/schemas/PointDto' },
          corners: { type: 'array', items: { $ref: '#/components/schemas/PointDto' } },
          tags: { type: 'array', items: {} },
        },
        required: ['name', 'origin', 'corners', 'tags'],
      },
      PointDto: { properties: { x: { type: 'integer' } } },
      AreaDto: { properties: { area: { type: 'integer', minimum: 0 } } },
    });
  });

  it('lists every system message type and every close code of the library', async () => {
    const doc = await build();
    const names = new Set(Object.values(doc.components.messages).map((m) => m.name));
    for (const type of Object.values(SystemMessageType)) expect(names, type).toContain(type);
    const codes = doc.channels.websocket['x-websocket-tool-close-codes'].map((c) => `${c.code} ${c.reason}`);
    expect(codes).toEqual(Object.values(CloseCode).map((c) => `${c.code} ${c.reason}`));
    for (const [key, op] of Object.entries(doc.operations)) {
      for (const ref of [...op.messages, ...(op.reply?.messages ?? [])]) {
        expect(doc.channels.websocket.messages, key).toHaveProperty([ref.$ref.split('/').pop()!]);
      }
    }
  });
});

describe('buildProtocolDocument', () => {
  it('keeps the first of two declarations of one message that disagree, and says which', () => {
    const built = buildProtocolDocument({
      path: '/ws',
      title: 't',
      version: '1',
      handlers: [],
      emits: [
        { where: 'ShapeFeed', declaration: { type: 'shape.changed', dto: ShapeDto } },
        { where: 'AreaFeed', declaration: { type: 'shape.changed', dto: AreaDto } },
        { where: 'Again', declaration: { type: 'shape.changed', dto: ShapeDto } },
      ],
    });
    expect(built.conflicts).toEqual([expect.stringContaining('"shape.changed" as ShapeFeed declares it; AreaFeed declares it')]);
    expect(built.messages.filter((m) => m.type === 'shape.changed').map((m) => m.source)).toEqual(['ShapeFeed']);
  });
});

describe('toYaml', () => {
  it('writes block YAML with every string and key quoted, so no text changes meaning', () => {
    expect(toYaml({ a: 'x: #y', on: [1, { b: null, c: [] }, ['z']], d: {}, e: true })).toBe(
      ['"a": "x: #y"', '"on":', '  - 1', '  - "b": null', '    "c": []', '  - - "z"', '"d": {}', '"e": true', ''].join('\n'),
    );
  });
});
