import { Controller, UseGuards } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { AdminAccessGuard } from '../admin/admin-access.guard.js';

/**
 * The `/metrics` controller of `@willsoto/nestjs-prometheus`, behind the same
 * protection as the admin API (token, app guard, or local requests only).
 * Import `WebSocketToolModule` with `isGlobal: true` so the guard's
 * dependencies resolve inside `PrometheusModule`.
 *
 * It lives in its own entry point, `@websocket-tool/nestjs/prometheus`, so that
 * apps without `@willsoto/nestjs-prometheus` (an optional peer) never load it.
 *
 * @example
 * ```ts
 * import { ProtectedPrometheusController } from '@websocket-tool/nestjs/prometheus';
 *
 * PrometheusModule.register({ controller: ProtectedPrometheusController })
 * ```
 * @publicApi
 */
@Controller()
@UseGuards(AdminAccessGuard)
export class ProtectedPrometheusController extends PrometheusController {}
