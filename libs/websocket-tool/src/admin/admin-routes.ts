import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { AdminAsyncApiController } from './admin-asyncapi.controller.js';
import { AdminClientsController } from './admin-clients.controller.js';
import { AdminInfoController } from './admin-info.controller.js';
import { AdminPageController } from './admin-page.controller.js';
import { AdminStatsController } from './admin-stats.controller.js';
import { AdminTopicsController } from './admin-topics.controller.js';
import { AdminPresenceController } from './admin-presence.controller.js';

/** DI token of the admin route paths in force (`{ api, page }`). */
export const ADMIN_ROUTE_PATHS = 'WEBSOCKET_TOOL:ADMIN_ROUTE_PATHS';

/** The admin REST controllers, mounted under `adminPrefix`. */
export const ADMIN_API_CONTROLLERS: readonly Type[] = [
  AdminStatsController,
  AdminClientsController,
  AdminTopicsController,
  AdminPresenceController,
  AdminInfoController,
  AdminAsyncApiController,
];

/** Where the admin routes are mounted. */
export interface AdminRoutePaths {
  /** Prefix of the REST routes (`/` when `adminPrefix` is empty). */
  api: string;
  /** Path of the dashboard page. */
  page: string;
}

/** A subclass that only carries its own route path; everything else is inherited. */
const mountable = (base: Type): Type => ({ [base.name]: class extends base {} })[base.name] as Type;

/**
 * Adds the admin controllers to a `WebSocketToolModule` definition.
 *
 * Nest reads a controller's path from its class when routes are registered,
 * after the providers exist, while `adminPrefix` and `adminPagePath` are
 * known only once the settings (options, env, `forRootAsync` factories) are
 * resolved. So each module definition gets its own subclasses of the
 * controllers, and a provider stamps their paths from the settings before
 * the routes are registered. Two apps in one process never share paths.
 */
export function withAdminRoutes(definition: DynamicModule): DynamicModule {
  const api = ADMIN_API_CONTROLLERS.map(mountable);
  const page = mountable(AdminPageController);
  const paths: Provider = {
    provide: ADMIN_ROUTE_PATHS,
    useFactory: (settings: WebSocketToolSettings): AdminRoutePaths => {
      const mounted = { api: settings.adminPrefix || '/', page: settings.adminPrefix + settings.adminPagePath };
      for (const controller of api) Reflect.defineMetadata(PATH_METADATA, mounted.api, controller);
      Reflect.defineMetadata(PATH_METADATA, mounted.page, page);
      return mounted;
    },
    inject: [WEBSOCKET_TOOL_SETTINGS],
  };
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), ...api, page],
    providers: [...(definition.providers ?? []), paths],
  };
}
