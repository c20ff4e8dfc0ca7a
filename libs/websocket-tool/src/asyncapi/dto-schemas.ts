import { createRequire } from 'node:module';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { WsDtoClass } from '../messaging/discovery/ws-message-declaration.interface.js';
import type { JsonSchema } from './protocol-message.interface.js';

const REF_PREFIX = '#/components/schemas/';

type Options = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>;

/**
 * class-transformer's metadata, where `@Type(() => Dto)` says what an array
 * of nested DTOs holds. It is the CommonJS build the app's own
 * `class-transformer` import resolves to (the package has no ESM entry for
 * Node), and it ships no types of its own.
 */
function classTransformerStorage(): Options['classTransformerMetadataStorage'] {
  try {
    const storage = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
      defaultMetadataStorage?: Options['classTransformerMetadataStorage'];
    };
    return storage.defaultMetadataStorage;
  } catch {
    return undefined;
  }
}

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
    this.all ??= validationMetadatasToSchemas({
      refPointerPrefix: REF_PREFIX,
      classTransformerMetadataStorage: classTransformerStorage(),
    }) as Record<string, JsonSchema>;
    this.add(dto.name);
    return { $ref: REF_PREFIX + dto.name };
  }

  private add(name: string): void {
    if (name in this.used) return;
    // A class without any class-validator decorator still names an object.
    const schema = this.withKnownRefs(this.all?.[name] ?? { type: 'object' }) as JsonSchema;
    this.used[name] = schema;
    for (const nested of refsIn(schema)) this.add(nested);
  }

  /**
   * The schema with every reference to a class that has no schema (`Array`
   * for a nested array without `@Type`) made "any JSON", so the document
   * never points nowhere and never calls an array an object.
   */
  private withKnownRefs(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map((item) => this.withKnownRefs(item));
    if (!schema || typeof schema !== 'object') return schema;
    const ref = (schema as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(REF_PREFIX) && !this.all?.[ref.slice(REF_PREFIX.length)]) return {};
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, this.withKnownRefs(value)]));
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
