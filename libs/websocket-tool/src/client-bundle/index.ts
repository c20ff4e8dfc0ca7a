export { ClientBundleService, isClientBundleDisabled } from './client-bundle.service.js';
export { resolveClientBundleFile, CLIENT_BUNDLE_SPECIFIER } from './resolve-client-bundle.js';
