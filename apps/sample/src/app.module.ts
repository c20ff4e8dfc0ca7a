import { Module } from '@nestjs/common';
import { WebSocketToolModule } from '@websocket-tool/nestjs';
import { ChatHandlers } from './chat/chat.handlers.js';
import { PageController } from './page/page.controller.js';

@Module({
  imports: [WebSocketToolModule.forRoot()],
  providers: [ChatHandlers],
  controllers: [PageController],
})
export class AppModule {}
