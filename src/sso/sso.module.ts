import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { OidcSignInService } from './oidc-sign-in.service';
import { SamlSignInService } from './saml-sign-in.service';
import { SsoController } from './sso.controller';

@Module({
  imports: [SyncModule],
  controllers: [SsoController],
  providers: [OidcSignInService, SamlSignInService],
})
export class SsoModule {}
