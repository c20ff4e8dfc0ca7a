export { AdminAccessGuard, ADMIN_REALM } from './admin-access.guard.js';
export { AdminAccessPolicy, type AdminAccessMode, MIN_ADMIN_TOKEN_LENGTH } from './admin-access.policy.js';
export { AdminController, ADMIN_API_TAG } from './admin-controller.decorator.js';
export { withAdminRoutes, ADMIN_ROUTE_PATHS, ADMIN_API_CONTROLLERS, type AdminRoutePaths } from './admin-routes.js';
export { ADMIN_PROVIDERS, ADMIN_EXPORTS } from './admin.providers.js';
export { WsStatsSnapshotService, HEALTHY_CLIENT_SCORE } from '../observability/ws-stats-snapshot.service.js';
export { CLIENT_SORT_KEYS, type ClientSortKey, type ClientQuery } from '../observability/client-query.js';
export { describeSettings, isSecretSetting, REDACTED } from './settings-view.js';
export * from './dto/index.js';
