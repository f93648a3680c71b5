import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { GroupLinksController } from './group-links.controller';
import { GroupLinksService } from './group-links.service';

@Module({
  imports: [GroupsModule],
  controllers: [GroupLinksController],
  providers: [GroupLinksService],
  exports: [GroupLinksService],
})
export class GroupLinksModule {}
