import { Controller, Get, Header, HttpCode, Inject, NotFoundException } from '@nestjs/common';
import { WEBSOCKET_TOOL_SETTINGS, type WebSocketToolSettings } from '@websocket-tool/nestjs';
import { BUNDLE_DISABLED_HTML, samplePageHtml } from './sample-page.html.js';
import { readPageScript } from './page-scripts.js';

/** Scripts only from this origin: the client bundle and the page's own script, no inline code. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:";

const notBuilt = (name: string): never => {
  throw new NotFoundException(`The ${name} script is not built: run \`npm run build\`.`);
};

/** Serves the demo page and its scripts (bundled at build time from `browser/`). */
@Controller()
export class PageController {
  private readonly html: string;
  private readonly pageScript = readPageScript('sample-page.browser.js');
  private readonly taskPanelScript = readPageScript('task-panel.browser.js');

  constructor(@Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings) {
    const bundle = settings.clientBundlePath;
    this.html = bundle === '' || bundle === 'off' ? BUNDLE_DISABLED_HTML : samplePageHtml(bundle);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  index(): string {
    return this.html;
  }

  @Get('sample-page.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return this.pageScript ?? notBuilt('sample-page');
  }

  @Get('sample-tasks.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  taskPanel(): string {
    return this.taskPanelScript ?? notBuilt('task-panel');
  }

  /** No icon: an empty answer instead of a 404 in every browser console. */
  @Get('favicon.ico')
  @HttpCode(204)
  favicon(): void {}
}
