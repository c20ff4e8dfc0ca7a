import type { Provider } from '@nestjs/common';
import { AdminAccessGuard } from './admin-access.guard.js';
import { AdminAccessPolicy } from './admin-access.policy.js';
import { clusterAdminProvider } from './cluster/cluster-admin.providers.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';

/** Providers of the admin API: its access rules, and the answers for this node or every node. */
export const ADMIN_PROVIDERS: Provider[] = [AdminAccessPolicy, AdminAccessGuard, NoStoreInterceptor, clusterAdminProvider];

/** The admin guard with its policy, so apps can protect their own routes (e.g. `/metrics`) the same way. */
export const ADMIN_EXPORTS = [AdminAccessPolicy, AdminAccessGuard];
