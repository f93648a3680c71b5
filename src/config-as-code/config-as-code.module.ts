import { Module } from '@nestjs/common';
import { GroupLinksModule } from '../group-links/group-links.module';
import { GroupsModule } from '../groups/groups.module';
import { IdentityProvidersModule } from '../identity-providers/identity-providers.module';
import { SyncModule } from '../sync/sync.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ChangeWriter } from './change-writer';
import { ConfigAsCodeService } from './config-as-code.service';
import { ConfigSchemaController } from './config-schema.controller';
import { ConfigOnBoot } from './config-on-boot';

@Module({
  imports: [TenantsModule, IdentityProvidersModule, GroupsModule, GroupLinksModule, SyncModule],
  controllers: [ConfigSchemaController],
  providers: [ConfigAsCodeService, ChangeWriter, ConfigOnBoot],
  exports: [ConfigAsCodeService],
})
export class ConfigAsCodeModule {}
