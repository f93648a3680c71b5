import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfigType } from '../config/configuration';
import { configureOutbound } from './guarded-fetch';

/** Applies the operator's ALLOW_PRIVATE_NETWORK to every outbound fetch, once, at start-up. */
@Injectable()
export class OutboundPolicyInitializer implements OnModuleInit {
  constructor(private readonly config: ConfigService<AllConfigType, true>) {}

  onModuleInit(): void {
    configureOutbound({ allowPrivateNetwork: this.config.get('app.allowPrivateNetwork', { infer: true }) });
  }
}
