import { Get, Header, Inject, Logger, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from './api-docs.decorators.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { AdminController } from './admin-controller.decorator.js';
import { adminPageCsp, renderAdminPage } from './page/admin-page.html.js';
import { loadAdminPageScript } from './page/admin-page-script.js';

/** Serves the admin dashboard at `<adminPrefix><adminPagePath>` (default `/ws-admin`). */
@AdminController()
@ApiExcludeController()
export class AdminPageController {
  private readonly html: string;
  private readonly csp: string;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const script = loadAdminPageScript();
    if (script === null) {
      new Logger('WebSocketTool').warn('The admin page script is not built (run `npm run build`): the admin page shows no data.');
    }
    this.html = renderAdminPage(settings.adminPrefix, settings.adminPagePath, script);
    // The policy allows exactly this script, by its hash.
    this.csp = adminPageCsp(script);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('X-Frame-Options', 'DENY')
  @Header('Referrer-Policy', 'no-referrer')
  page(@Res({ passthrough: true }) response: unknown): string {
    this.adapterHost.httpAdapter.setHeader(response, 'Content-Security-Policy', this.csp);
    return this.html;
  }
}
