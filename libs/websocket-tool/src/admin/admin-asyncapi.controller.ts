import { Get, Header } from '@nestjs/common';
import { AsyncApiDocumentService } from '../asyncapi/asyncapi-document.service.js';
import { ApiOkResponse, ApiOperation } from './api-docs.decorators.js';
import { AdminController } from './admin-controller.decorator.js';

/** The WebSocket protocol's AsyncAPI 3.0 document, as JSON and as YAML. */
@AdminController()
export class AdminAsyncApiController {
  constructor(private readonly protocol: AsyncApiDocumentService) {}

  @Get('ws/asyncapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: "The WebSocket protocol's AsyncAPI 3.0 document: every message type, its direction and schema" })
  @ApiOkResponse({ description: 'An AsyncAPI 3.0 document' })
  json(): string {
    return this.protocol.document.json;
  }

  @Get('ws/asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOperation({ summary: 'The same AsyncAPI 3.0 document as YAML' })
  @ApiOkResponse({ description: 'An AsyncAPI 3.0 document' })
  yaml(): string {
    return this.protocol.document.yaml;
  }
}
