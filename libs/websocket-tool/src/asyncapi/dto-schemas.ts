import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { WsDtoClass } from '../messaging/discovery/ws-message-declaration.interface.js';
import type { JsonSchema } from './protocol-message.interface.js';

const REF_PREFIX = '#/components/schemas/';

/**
 * The JSON schemas of DTO classes, read from their class-validator metadata
 * (the same decorators that validate inbound content), for the document's
 * `components.schemas`. A DTO nested with `@ValidateNested` comes along.
 */
export class DtoSchemas {
  /** Every class-validator class known now, by class name; read once, when the first DTO is asked for. */
  private all: Record<string, JsonSchema> | null = null;
  /** The schemas the document uses, by name. */
  readonly used: Record<string, JsonSchema> = {};

  /** A `$ref` to the DTO's schema, adding it (and what it nests) to `used`. */
  ref(dto: WsDtoClass): JsonSchema {
    this.all ??= validationMetadatasToSchemas({ refPointerPrefix: REF_PREFIX }) as Record<string, JsonSchema>;
    this.add(dto.name);
    return { $ref: REF_PREFIX + dto.name };
  }

  private add(name: string): void {
    if (name in this.used) return;
    // A class without any class-validator decorator still names an object.
    const schema = this.all?.[name] ?? { type: 'object' };
    this.used[name] = schema;
    for (const nested of refsIn(schema)) this.add(nested);
  }
}

/** The schema names a schema refers to. */
function refsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) refsIn(item, found);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) found.add(value.slice(REF_PREFIX.length));
      else refsIn(value, found);
    }
  }
  return found;
}
