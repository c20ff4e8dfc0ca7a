import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';

/** Admin answers describe live state and may name clients: no cache may keep them. */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      this.adapterHost.httpAdapter?.setHeader(context.switchToHttp().getResponse(), 'Cache-Control', 'no-store');
    }
    return next.handle();
  }
}
