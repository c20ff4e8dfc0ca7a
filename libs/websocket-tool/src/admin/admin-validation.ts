import { ValidationPipe } from '@nestjs/common';

/** Validates query strings of admin routes; unknown parameters (cache busters) are ignored. */
export const adminQueryPipe = new ValidationPipe({ transform: true, whitelist: true });

/** Validates JSON bodies of admin routes; unknown fields are refused with 400. */
export const adminBodyPipe = new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true });
