import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { OperatorSessionController } from './operator-session.controller';
import { OperatorSessionsService } from './operator-sessions.service';
import { OperatorTokenService } from './operator-token.service';
import { SecretKeyService } from './secret-key.service';
import { SessionsService } from './sessions.service';

@Global()
@Module({
  controllers: [ApiKeysController, OperatorSessionController],
  providers: [
    ApiKeysService,
    OperatorTokenService,
    OperatorSessionsService,
    SecretKeyService,
    SessionsService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, OperatorTokenService, SecretKeyService, SessionsService],
})
export class AuthModule {}
