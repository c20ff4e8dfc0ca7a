import { Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from './api-docs.decorators.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { AdminController } from './admin-controller.decorator.js';
import { ADMIN_PAGE_CSP, renderAdminPage } from './page/admin-page.html.js';

/** Serves the admin dashboard at `<adminPrefix><adminPagePath>` (default `/ws-admin`). */
@AdminController()
@ApiExcludeController()
export class AdminPageController {
  private readonly html: string;

  constructor(@Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings) {
    this.html = renderAdminPage(settings.adminPrefix, settings.adminPagePath);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', ADMIN_PAGE_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('X-Frame-Options', 'DENY')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return this.html;
  }
}
