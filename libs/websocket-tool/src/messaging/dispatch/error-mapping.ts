import { HttpException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { DtoValidationFailure } from './dto-validation.js';
import { isPlainObject } from '../../protocol/json-guards.js';

/** The `system.error` a handler's exception becomes: code, text, and the validation errors if any. */
export interface MappedError {
  code: string;
  text: string;
  errors?: unknown[];
}

const INVALID_CONTENT = 'The message content is invalid.';

/**
 * Maps what a handler threw to the error its sender gets:
 *
 * - a DTO rejection → `validation_failed` with the constraint messages;
 * - `WsException('text')` → `handler_error`; `WsException({ message, code })` → that code;
 * - `HttpException` 403 → `forbidden`, 400 → `validation_failed` (the response's messages), other → `handler_error`;
 *
 * and returns null for anything else: an unexpected failure, logged and
 * answered with a generic `handler_error` by the caller.
 */
export function mapHandlerError(err: unknown): MappedError | null {
  if (err instanceof DtoValidationFailure) return { code: WsErrorCode.ValidationFailed, text: INVALID_CONTENT, errors: err.errors };
  if (err instanceof WsException) {
    const error = err.getError();
    const text = typeof error === 'string' ? error : isPlainObject(error) && typeof error.message === 'string' ? error.message : 'Error';
    const code = isPlainObject(error) && typeof error.code === 'string' ? error.code : WsErrorCode.HandlerError;
    return { code, text };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 403) return { code: WsErrorCode.Forbidden, text: err.message };
    if (status === 400) {
      const response = err.getResponse();
      const details = isPlainObject(response) ? response.message : response;
      return { code: WsErrorCode.ValidationFailed, text: INVALID_CONTENT, errors: Array.isArray(details) ? details : [String(details)] };
    }
    return { code: WsErrorCode.HandlerError, text: err.message };
  }
  return null;
}
