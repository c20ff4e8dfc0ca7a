import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { isObservable, lastValueFrom } from 'rxjs';
import type { WsInboundMessage } from '../../protocol/envelope.interface.js';
import type { HandlerEntry } from '../discovery/ws-handler-registry.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import type { WsMessageContext } from './ws-message-context.js';

/** Thrown when a handler's DTO rejects the content; answered with `validation_failed` and its errors. */
export class DtoValidationFailure extends Error {
  constructor(readonly errors: string[]) {
    super('validation failed');
  }
}

/**
 * Validates the content against the handler's DTO (class-validator), then
 * calls the handler with the validated instance as `message.content`.
 */
export async function validateThenInvoke(handler: HandlerEntry, context: WsMessageContext, message: WsInboundMessage): Promise<unknown> {
  const dto = handler.dto as new () => object;
  const content = message.content;
  if (!isPlainObject(content)) throw new DtoValidationFailure(['content must be an object']);
  const instance = plainToInstance(dto, content) as object;
  const errors = await validate(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new DtoValidationFailure(flattenValidationErrors(errors));
  const validated: WsInboundMessage = { ...message, content: instance };
  const result = handler.invoke(context, validated);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

/** Every constraint message of the errors and their children, in order. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = prefix + error.property;
    for (const text of Object.values(error.constraints ?? {})) out.push(text);
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path + '.'));
  }
  return out;
}
