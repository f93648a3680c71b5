import { Module } from '@nestjs/common';
import { DevIdpController } from './dev-idp.controller';

/** The development SAML IdP (DEV_IDP=true only); see DevIdpController. */
@Module({ controllers: [DevIdpController] })
export class DevIdpModule {}
