import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { OidcSignInService } from './oidc-sign-in.service';
import { OidcStrategy } from './oidc.strategy';
import { SamlSignInService } from './saml-sign-in.service';
import { SamlValidator } from './saml-validator';
import { SamlStrategy } from './saml.strategy';
import { SignInRefusalFilter } from './sign-in-refusal.filter';
import { OidcAuthGuard, SamlAuthGuard, SignInGuard } from './sign-in.guard';
import { SsoRefusalAudit } from './sso-refusal-audit';
import { SsoTargetGuard } from './sso-target.guard';
import { SsoController } from './sso.controller';
import { TestSignInGuard } from './test-sign-in/test-sign-in.guard';
import { TestSignInsController } from './test-sign-in/test-sign-ins.controller';
import { TestSignInsService } from './test-sign-in/test-sign-ins.service';

@Module({
  imports: [SyncModule],
  controllers: [SsoController, TestSignInsController],
  providers: [
    OidcSignInService,
    OidcStrategy,
    SamlSignInService,
    SamlStrategy,
    SamlValidator,
    SsoRefusalAudit,
    SsoTargetGuard,
    SignInGuard,
    SamlAuthGuard,
    OidcAuthGuard,
    SignInRefusalFilter,
    TestSignInsService,
    TestSignInGuard,
  ],
})
export class SsoModule {}
