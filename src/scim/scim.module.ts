import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimGroupsService } from './scim-groups.service';
import { ScimTokensController } from './scim-tokens.controller';
import { ScimTokensService } from './scim-tokens.service';
import { ScimUsersService } from './scim-users.service';
import { ScimController } from './scim.controller';

@Module({
  imports: [SyncModule],
  controllers: [ScimTokensController, ScimController],
  providers: [ScimTokensService, ScimUsersService, ScimGroupsService, ScimAuthGuard],
})
export class ScimModule {}
