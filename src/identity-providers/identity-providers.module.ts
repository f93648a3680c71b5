import { Module } from '@nestjs/common';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersService } from './identity-providers.service';
import { MetadataRefreshService } from './metadata-refresh.service';

@Module({
  controllers: [IdentityProvidersController],
  providers: [IdentityProvidersService, MetadataRefreshService],
  exports: [IdentityProvidersService],
})
export class IdentityProvidersModule {}
