/**
 * Writes a JSON value as block-style YAML. Every string and key is written
 * double-quoted with JSON escapes, which YAML reads back unchanged, so no
 * text (a description with `: ` or `#`, a key like `on`) can change meaning.
 */
export function toYaml(value: unknown): string {
  return `${block(value, '')}\n`;
}

const scalar = (value: unknown): string => (value === undefined ? 'null' : JSON.stringify(value));

const isContainer = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);

function block(value: unknown, indent: string): string {
  if (!isContainer(value)) return Array.isArray(value) ? '[]' : value !== null && typeof value === 'object' ? '{}' : scalar(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    return value.map((item) => `${indent}- ${isContainer(item) ? block(item, inner).trimStart() : block(item, inner)}`).join('\n');
  }
  return Object.entries(value)
    .map(([key, item]) => `${indent}${JSON.stringify(key)}:${isContainer(item) ? `\n${block(item, inner)}` : ` ${block(item, inner)}`}`)
    .join('\n');
}
