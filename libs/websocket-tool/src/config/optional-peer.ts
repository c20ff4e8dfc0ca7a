/**
 * True when `error`, thrown by `import(name)`, says that the package is not
 * installed. Any other failure (a package that is there but broken) is not
 * "missing" and must not be mistaken for it.
 *
 * @internal
 */
export function isPackageMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    (message.includes(`'${name}'`) || message.includes(`"${name}"`))
  );
}
