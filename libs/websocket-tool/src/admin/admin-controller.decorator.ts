import { applyDecorators, Controller, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from './api-docs.decorators.js';
import { AdminAccessGuard } from './admin-access.guard.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';

/** OpenAPI tag of the admin routes. */
export const ADMIN_API_TAG = 'WebSocketTool admin';

/**
 * Marks a class as an admin controller: the one place where every admin
 * route gets `AdminAccessGuard`, `Cache-Control: no-store` and its OpenAPI
 * security description. Its path is set at start-up from `adminPrefix`.
 */
export const AdminController = (): ClassDecorator =>
  applyDecorators(
    Controller(),
    UseGuards(AdminAccessGuard),
    UseInterceptors(NoStoreInterceptor),
    ApiTags(ADMIN_API_TAG),
    ApiBearerAuth(),
    ApiBasicAuth(),
    ApiUnauthorizedResponse({ description: 'An admin token is configured and the request did not carry it' }),
    ApiForbiddenResponse({ description: 'Not a local request (no admin token configured), or made by another site' }),
  );
