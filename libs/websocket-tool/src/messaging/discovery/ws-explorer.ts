import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import { isRateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import type { WsRateLimitMetadata } from '../../rate-limit/ws-rate-limit.decorator.js';
import { RESERVED_TYPE_PREFIX } from '../../protocol/protocol.constants.js';
import { WS_EMITS_METADATA, WS_HOOK_METADATA, WS_MESSAGE_HANDLER_METADATA } from '../messaging.constants.js';
import { WS_RATE_LIMIT_METADATA } from '../../rate-limit/rate-limit.constants.js';
import {
  duplicateHandlerMessage,
  invalidHandlerTypeMessage,
  requestScopedHandlerMessage,
  reservedTypeMessage,
} from '../messaging.messages.js';
import type { OnWsMessageMetadata } from './on-ws-message.decorator.js';
import { WsHandlerRegistry, type HandlerDocs } from './ws-handler-registry.js';
import type { WsHookEvent } from './ws-hook-event.js';
import type { WsMessageDeclaration, WsReplyDeclaration } from './ws-message-declaration.interface.js';
import { WsToolParamsFactory } from './ws-params.factory.js';

/** Nest's metadata key of param decorators (`@MessageBody()`, `@ConnectedSocket()`). */
const ROUTE_ARGS_METADATA = '__routeArguments__';
/** Nest's metadata keys of `@UseGuards()`, `@UseInterceptors()` and `@UsePipes()`. */
const ENHANCER_METADATA = ['__guards__', '__interceptors__', '__pipes__'];
/** Nest's metadata key of `@UseGuards()`. */
const GUARDS_METADATA = '__guards__';
/** Nest's metadata key of `@UseFilters()`. */
const EXCEPTION_FILTERS_METADATA = '__exceptionFilters__';
/** Return types that say nothing of a reply's shape. */
const OPAQUE_RETURN_TYPES = new Set<unknown>([undefined, Object, Promise, Array, String, Number, Boolean, Function]);

type AnyInstance = Record<string, unknown> & object;

/**
 * Finds `@OnWsMessage` handlers and lifecycle hooks on every static provider
 * and controller at boot, and wraps each handler with Nest's guards, pipes,
 * interceptors and exception filters (ExternalContextCreator, context type `ws`).
 *
 * Two handlers for one type, or a handler for a reserved `system.` type, stop
 * the boot with a message naming them.
 *
 * @internal
 */
@Injectable()
export class WsExplorer implements OnModuleInit {
  private readonly logger = new Logger('WebSocketTool');
  private readonly paramsFactory = new WsToolParamsFactory();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contextCreator: ExternalContextCreator,
    private readonly appConfig: ApplicationConfig,
    private readonly registry: WsHandlerRegistry,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const seen = new Set<object>();
    for (const wrapper of wrappers) {
      const instance = wrapper.instance as AnyInstance | undefined;
      if (!instance || wrapper.isAlias || typeof instance !== 'object' || seen.has(instance)) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      seen.add(instance);
      const where = (method: string) => `${instance.constructor?.name ?? 'provider'}.${method}`;
      const emits: WsMessageDeclaration[] = (instance.constructor && Reflect.getMetadata(WS_EMITS_METADATA, instance.constructor)) ?? [];
      for (const declaration of emits) this.registry.emits.push({ where: instance.constructor.name, declaration });
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (prototype as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const handlerMeta: OnWsMessageMetadata[] | undefined = Reflect.getMetadata(WS_MESSAGE_HANDLER_METADATA, fn);
        const hookMeta: WsHookEvent[] | undefined = Reflect.getMetadata(WS_HOOK_METADATA, fn);
        if (!handlerMeta && !hookMeta) continue;
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(requestScopedHandlerMessage(where(method)));
          continue;
        }
        for (const meta of handlerMeta ?? []) this.addHandler(instance, method, meta, where(method));
        for (const event of hookMeta ?? []) {
          this.registry.hooks[event].push({
            event,
            where: where(method),
            call: (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(instance, args),
          });
        }
      }
    }
  }

  private addHandler(instance: AnyInstance, method: string, meta: OnWsMessageMetadata, where: string): void {
    const { type } = meta;
    if (typeof type !== 'string' || type.length === 0 || type.length > 200) {
      throw new Error(invalidHandlerTypeMessage(type, where));
    }
    if (type.startsWith(RESERVED_TYPE_PREFIX)) throw new Error(reservedTypeMessage(type, where));
    const existing = this.registry.handlers.get(type);
    if (existing) throw new Error(duplicateHandlerMessage(type, existing.where, where));

    const original = instance[method] as (...args: unknown[]) => unknown;
    const usesParamDecorators = Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, method) !== undefined;
    // Handlers are called (message, context); guards and interceptors see the
    // ws arguments host (context, message). Without param decorators a small
    // wrapper swaps the two, carrying the method's metadata so guards and
    // reflectors reading `getHandler()` find what they expect.
    let callback = original;
    if (!usesParamDecorators) {
      callback = function (this: unknown, context: unknown, message: unknown) {
        return original.call(this, message, context);
      };
      for (const key of Reflect.getMetadataKeys(original)) {
        Reflect.defineMetadata(key, Reflect.getMetadata(key, original), callback);
      }
      Object.defineProperty(callback, 'name', { value: original.name });
    }
    const hasFilters =
      this.appConfig.getGlobalFilters().length > 0 ||
      (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, original) ?? []).length > 0 ||
      (Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, instance.constructor) ?? []).length > 0;
    // Without any enhancer the Nest pipeline would only add promises: call the method directly.
    const direct = !usesParamDecorators && !hasFilters && !this.hasEnhancers(original, instance.constructor);
    const invoke = direct
      ? (context: unknown, message: unknown) => original.call(instance, message, context)
      : this.createEnhanced(instance, callback, method, hasFilters);
    const rateLimit: WsRateLimitMetadata | undefined =
      Reflect.getMetadata(WS_RATE_LIMIT_METADATA, original) ?? Reflect.getMetadata(WS_RATE_LIMIT_METADATA, instance.constructor);
    // With RateLimitGuard the handler's own limit is the guard's, on top of the
    // connection's: the fast path then charges the default bucket.
    const admissionLimit = rateLimit && this.usesRateLimitGuard(original, instance.constructor) ? undefined : rateLimit;
    this.registry.handlers.set(type, {
      type,
      where,
      providerName: instance.constructor?.name ?? 'provider',
      methodName: method,
      dto: meta.options.dto ?? null,
      docs: this.docsOf(instance, method, meta, where),
      rateLimit,
      admissionLimit,
      invoke,
    });
  }

  /** The handler's declarations for the protocol document; its `emits` also go to the registry's list. */
  private docsOf(instance: AnyInstance, method: string, meta: OnWsMessageMetadata, where: string): HandlerDocs {
    const { reply, emits = [], description, example } = meta.options;
    for (const declaration of emits) this.registry.emits.push({ where, declaration });
    const returned: unknown = Reflect.getMetadata('design:returntype', Object.getPrototypeOf(instance) as object, method);
    const inferred: WsReplyDeclaration | undefined =
      typeof returned === 'function' && !OPAQUE_RETURN_TYPES.has(returned) && returned.name !== 'Observable'
        ? { dto: returned as WsReplyDeclaration['dto'] }
        : undefined;
    return { description, example, reply: reply ?? inferred, emits };
  }

  /** True if guards, interceptors or pipes apply to the method (its own, its class's or global ones). */
  private hasEnhancers(method: object, classRef: object): boolean {
    const config = this.appConfig;
    if (
      config.getGlobalGuards().length > 0 ||
      config.getGlobalInterceptors().length > 0 ||
      config.getGlobalPipes().length > 0 ||
      config.getGlobalRequestGuards().length > 0 ||
      config.getGlobalRequestInterceptors().length > 0 ||
      config.getGlobalRequestPipes().length > 0
    ) {
      return true;
    }
    return ENHANCER_METADATA.some(
      (key) => (Reflect.getMetadata(key, method) ?? []).length > 0 || (Reflect.getMetadata(key, classRef) ?? []).length > 0,
    );
  }

  /** True if `RateLimitGuard` guards the method (its own, its class's or a global guard). */
  private usesRateLimitGuard(method: object, classRef: object): boolean {
    const guards: unknown[] = [
      ...(Reflect.getMetadata(GUARDS_METADATA, method) ?? []),
      ...(Reflect.getMetadata(GUARDS_METADATA, classRef) ?? []),
      ...this.appConfig.getGlobalGuards(),
    ];
    return guards.some(isRateLimitGuard);
  }

  private createEnhanced(
    instance: AnyInstance,
    callback: (...args: unknown[]) => unknown,
    method: string,
    hasFilters: boolean,
  ): (context: unknown, message: unknown) => Promise<unknown> {
    return this.contextCreator.create(
      instance,
      callback,
      method,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      // Exception filters only when the app has some: Nest's fallback filter
      // logs every exception, which a client could use to flood the log.
      { guards: true, interceptors: true, filters: hasFilters },
      'ws',
    );
  }
}
