import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { SyncModule } from '../sync/sync.module';
import { GroupLinksController } from './group-links.controller';
import { GroupLinksService } from './group-links.service';

@Module({
  imports: [GroupsModule, SyncModule],
  controllers: [GroupLinksController],
  providers: [GroupLinksService],
  exports: [GroupLinksService],
})
export class GroupLinksModule {}
