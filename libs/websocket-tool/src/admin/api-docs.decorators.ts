import { isPackageMissing } from '../config/optional-peer.js';

type Swagger = typeof import('@nestjs/swagger');

/**
 * `@nestjs/swagger` is an optional peer: with it, the admin DTOs and
 * controllers carry their OpenAPI documentation; without it, these
 * decorators do nothing and the admin API works the same. It is loaded once,
 * here, so no other file imports it.
 */
async function loadSwagger(): Promise<Swagger | null> {
  try {
    return await import('@nestjs/swagger');
  } catch (error) {
    // Only "not installed" means "no docs"; a swagger that is there but broken must not pass silently.
    if (isPackageMissing(error, '@nestjs/swagger')) return null;
    throw error;
  }
}

const swagger = await loadSwagger();

/** A decorator factory that accepts any arguments and leaves no metadata. */
const none =
  () =>
  (..._target: unknown[]): void =>
    undefined;

/** @internal */ export const ApiProperty: Swagger['ApiProperty'] = swagger?.ApiProperty ?? none;
/** @internal */ export const ApiPropertyOptional: Swagger['ApiPropertyOptional'] = swagger?.ApiPropertyOptional ?? none;
/** @internal */ export const ApiAcceptedResponse: Swagger['ApiAcceptedResponse'] = swagger?.ApiAcceptedResponse ?? none;
/** @internal */ export const ApiBadRequestResponse: Swagger['ApiBadRequestResponse'] = swagger?.ApiBadRequestResponse ?? none;
/** @internal */ export const ApiNotFoundResponse: Swagger['ApiNotFoundResponse'] = swagger?.ApiNotFoundResponse ?? none;
/** @internal */ export const ApiParam: Swagger['ApiParam'] = swagger?.ApiParam ?? none;
/** @internal */ export const ApiOkResponse: Swagger['ApiOkResponse'] = swagger?.ApiOkResponse ?? none;
/** @internal */ export const ApiOperation: Swagger['ApiOperation'] = swagger?.ApiOperation ?? none;
/** @internal */ export const ApiServiceUnavailableResponse: Swagger['ApiServiceUnavailableResponse'] =
  swagger?.ApiServiceUnavailableResponse ?? none;
/** @internal */ export const ApiForbiddenResponse: Swagger['ApiForbiddenResponse'] = swagger?.ApiForbiddenResponse ?? none;
/** @internal */ export const ApiUnauthorizedResponse: Swagger['ApiUnauthorizedResponse'] = swagger?.ApiUnauthorizedResponse ?? none;
/** @internal */ export const ApiBasicAuth: Swagger['ApiBasicAuth'] = swagger?.ApiBasicAuth ?? none;
/** @internal */ export const ApiBearerAuth: Swagger['ApiBearerAuth'] = swagger?.ApiBearerAuth ?? none;
/** @internal */ export const ApiTags: Swagger['ApiTags'] = swagger?.ApiTags ?? none;
/** @internal */ export const ApiExcludeController: Swagger['ApiExcludeController'] = swagger?.ApiExcludeController ?? none;
