import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { adminCrossSiteMessage, adminLocalOnlyRefusedMessage, adminUnauthorizedMessage } from './admin.messages.js';
import { AdminAccessPolicy } from './admin-access.policy.js';
import { isCrossSiteRequest, isLocalRequest, readCredential, type AdminRequestLike } from './admin-request.js';

/** Realm named in the `WWW-Authenticate` challenge (browsers show a login prompt for it). */
export const ADMIN_REALM = 'WebSocketTool admin';

/**
 * Protects every admin route (REST API and page), in this order:
 *
 * 1. admin off (`enableAdmin: false`): 404, as if the route did not exist;
 * 2. a request made by another site's page: 403;
 * 3. an `adminGuard` given by the app: its answer decides;
 * 4. an `adminToken` configured: `Authorization: Bearer <token>` (or HTTP
 *    Basic with the token as password) or 401 with a Basic challenge;
 * 5. otherwise only local requests (loopback address, no proxy headers,
 *    loopback `Host`): others get 403 saying how to open access.
 *
 * @publicApi
 */
@Injectable()
export class AdminAccessGuard implements CanActivate {
  constructor(
    private readonly policy: AdminAccessPolicy,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<AdminRequestLike>();
    if (this.policy.mode === 'disabled') throw new NotFoundException(`Cannot ${request.method ?? 'GET'} ${request.url ?? '/'}`);
    if (isCrossSiteRequest(request)) throw new ForbiddenException(adminCrossSiteMessage());

    const appGuard = this.policy.appGuard;
    if (this.policy.mode === 'guard' && appGuard) {
      const verdict = appGuard.canActivate(context);
      return isObservable(verdict) ? lastValueFrom(verdict) : verdict;
    }
    if (this.policy.mode === 'token') {
      const credential = readCredential(request.headers.authorization);
      if (credential !== null && this.policy.tokenMatches(credential)) return true;
      const response: unknown = context.switchToHttp().getResponse();
      this.adapterHost.httpAdapter?.setHeader(response, 'WWW-Authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
      throw new UnauthorizedException(adminUnauthorizedMessage());
    }
    if (isLocalRequest(request)) return true;
    throw new ForbiddenException(adminLocalOnlyRefusedMessage());
  }
}
