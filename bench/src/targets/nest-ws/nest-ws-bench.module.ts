import { Module } from '@nestjs/common';
import { NestWsBenchGateway } from './nest-ws-bench.gateway.js';

@Module({ providers: [NestWsBenchGateway] })
export class NestWsBenchModule {}
