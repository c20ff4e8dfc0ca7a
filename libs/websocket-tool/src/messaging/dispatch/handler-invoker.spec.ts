import { BadRequestException, ForbiddenException, Logger, NotFoundException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { IsInt, IsString } from 'class-validator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection, RecordingReplies, settingsOf } from '../../../../../test/utils/dispatch-fakes.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import type { WsInboundMessage } from '../../protocol/envelope.interface.js';
import { MessageAdmission } from '../../rate-limit/message-admission.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { WsHandlerRegistry, type HandlerEntry } from '../discovery/ws-handler-registry.js';
import { HandlerInvoker } from './handler-invoker.js';
import type { HandlerSettledListener } from './handler-settled.listener.js';

class NoteDto {
  @IsString()
  title!: string;

  @IsInt()
  pages!: number;
}

const entry = (type: string, invoke: HandlerEntry['invoke'], dto: HandlerEntry['dto'] = null): HandlerEntry => ({
  type,
  where: `Spec.${type}`,
  providerName: 'Spec',
  methodName: type,
  dto,
  rateLimit: undefined,
  admissionLimit: undefined,
  invoke,
});
const message = (type: string, content: unknown = null): WsInboundMessage => ({ type, content, meta: {} });
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('HandlerInvoker', () => {
  let replies: RecordingReplies;
  let invoker: HandlerInvoker;
  let timings: Array<[string, number]>;
  const settings = settingsOf({ handlerTimeout: 0.05 });

  beforeEach(() => {
    replies = new RecordingReplies();
    timings = [];
    const listener: HandlerSettledListener = { listening: true, handlerSettled: (type, ms) => timings.push([type, ms]) };
    const admission = new MessageAdmission(settings, new WsStatsService());
    invoker = new HandlerInvoker(settings, new WsHandlerRegistry(), {} as ConnectionRegistry, replies, admission, listener);
    invoker.onModuleInit();
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    invoker.onApplicationShutdown();
    vi.restoreAllMocks();
  });

  it('replies with what a synchronous handler returns, with the request id, and times the call', () => {
    const c = fakeConnection();
    invoker.run(
      c,
      entry('echo', (_ctx, m) => (m as WsInboundMessage).content),
      message('echo', 'hi'),
      'r1',
    );
    expect(replies.wire).toHaveLength(1);
    expect(replies.wire[0]).toMatch(/^\{"type":"echo","content":"hi","meta":\{"id":"r1"\},"timestamp":"[^"]+"\}$/);
    expect(timings.map(([type]) => type)).toEqual(['echo']);
  });

  it('replies with a whole message returned by an async handler, its meta keeping the request id', async () => {
    const c = fakeConnection();
    invoker.run(
      c,
      entry('ask', async () => ({ type: 'answer', content: 42, meta: { from: 'x' } })),
      message('ask'),
      7,
    );
    await settle();
    expect(replies.sent).toEqual([{ type: 'answer', content: 42, meta: { from: 'x', id: 7 } }]);
  });

  it('validates content against the DTO: invalid content gets validation_failed and the handler is not called', async () => {
    const c = fakeConnection();
    const handler = vi.fn((_ctx: unknown, m: unknown) => (m as WsInboundMessage).content);
    invoker.run(c, entry('note', handler, NoteDto), message('note', { title: 5, pages: 'x' }), 'n1');
    invoker.run(c, entry('note', handler, NoteDto), message('note', 'not an object'), 'n2');
    await settle();
    expect(handler).not.toHaveBeenCalled();
    const first = replies.sent.find((m) => m.meta?.id === 'n1');
    const second = replies.sent.find((m) => m.meta?.id === 'n2');
    expect(first).toEqual({
      type: 'system.error',
      content: 'The message content is invalid.',
      meta: {
        code: 'validation_failed',
        original_type: 'note',
        errors: ['title must be a string', 'pages must be an integer number'],
        id: 'n1',
      },
    });
    expect(second?.meta).toEqual({ code: 'validation_failed', original_type: 'note', errors: ['content must be an object'], id: 'n2' });
  });

  it('hands valid content to the handler as a DTO instance', async () => {
    const c = fakeConnection();
    let received: unknown;
    invoker.run(
      c,
      entry('note', (_ctx, m) => (received = (m as WsInboundMessage).content), NoteDto),
      message('note', { title: 't', pages: 3 }),
      undefined,
    );
    await settle();
    expect(received).toBeInstanceOf(NoteDto);
  });

  it.each<[string, () => unknown, Record<string, unknown>, string]>([
    ['WsException(text)', () => new WsException('nope'), { code: 'handler_error' }, 'nope'],
    ['WsException({ message, code })', () => new WsException({ message: 'no seats', code: 'sold_out' }), { code: 'sold_out' }, 'no seats'],
    ['ForbiddenException', () => new ForbiddenException('members only'), { code: 'forbidden' }, 'members only'],
    [
      'BadRequestException',
      () => new BadRequestException(['name is short']),
      { code: 'validation_failed', errors: ['name is short'] },
      'The message content is invalid.',
    ],
    ['another HttpException', () => new NotFoundException('gone'), { code: 'handler_error' }, 'gone'],
    ['an unexpected error (logged, detail hidden)', () => new Error('secret detail'), { code: 'handler_error' }, 'The handler failed.'],
  ])('maps %s thrown or rejected to its error code', async (_name, makeError, meta, content) => {
    const c = fakeConnection();
    invoker.run(
      c,
      entry('sync', () => {
        throw makeError();
      }),
      message('sync'),
      's',
    );
    invoker.run(
      c,
      entry('async', () => Promise.reject(makeError())),
      message('async'),
      'a',
    );
    await settle();
    const [sync, rejected] = replies.sent;
    expect(sync).toEqual({ type: 'system.error', content, meta: { ...meta, original_type: 'sync', id: 's' } });
    expect(rejected).toEqual({ type: 'system.error', content, meta: { ...meta, original_type: 'async', id: 'a' } });
    expect(JSON.stringify(replies.sent)).not.toContain('secret detail');
  });

  it('answers handler_timeout once for a call past handlerTimeout and drops its late outcome', async () => {
    const c = fakeConnection();
    let finish!: (value: unknown) => void;
    invoker.run(
      c,
      entry('slow', () => new Promise((resolve) => (finish = resolve))),
      message('slow'),
      'late',
    );
    await new Promise((resolve) => setTimeout(resolve, 120));
    finish('too late');
    await settle();
    expect(replies.sent).toEqual([
      {
        type: 'system.error',
        content: 'The handler did not answer in time.',
        meta: { code: 'handler_timeout', original_type: 'slow', id: 'late' },
      },
    ]);
  });

  it('answers handler_error when the result cannot be sent as JSON', () => {
    const c = fakeConnection();
    invoker.run(
      c,
      entry('big', () => 10n),
      message('big'),
      undefined,
    );
    expect(replies.sent).toEqual([
      {
        type: 'system.error',
        content: 'The handler returned a value that cannot be sent as JSON.',
        meta: { code: 'handler_error', original_type: 'big' },
      },
    ]);
  });

  it('ends the violation streak when a call succeeds, not when it fails', async () => {
    const c = fakeConnection();
    c.violations = 2;
    invoker.run(
      c,
      entry('fails', () => Promise.reject(new Error('x'))),
      message('fails'),
      undefined,
    );
    invoker.run(
      c,
      entry('bad', () => 10n),
      message('bad'),
      undefined,
    );
    await settle();
    expect(c.violations).toBe(2);
    let finish!: () => void;
    invoker.run(
      c,
      entry('ok', () => new Promise<void>((resolve) => (finish = resolve))),
      message('ok'),
      undefined,
    );
    expect(c.violations).toBe(2);
    finish();
    await settle();
    expect(c.violations).toBe(0);
  });
});
