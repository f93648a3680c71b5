import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { OidcSignInService } from './oidc-sign-in.service';
import { SamlSignInService } from './saml-sign-in.service';
import { SamlValidator } from './saml-validator';
import { SsoRefusalAudit } from './sso-refusal-audit';
import { SsoController } from './sso.controller';

@Module({
  imports: [SyncModule],
  controllers: [SsoController],
  providers: [OidcSignInService, SamlSignInService, SamlValidator, SsoRefusalAudit],
})
export class SsoModule {}
