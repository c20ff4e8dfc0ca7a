import { Module } from '@nestjs/common';
import { SocketIoBenchGateway } from './socket-io-bench.gateway.js';

@Module({ providers: [SocketIoBenchGateway] })
export class SocketIoBenchModule {}
