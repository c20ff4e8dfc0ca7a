import { Controller, Get, Header } from '@nestjs/common';
import { SAMPLE_PAGE_HTML } from './sample-page.html.js';

/** Serves the demo page. */
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:",
  )
  index(): string {
    return SAMPLE_PAGE_HTML;
  }
}
