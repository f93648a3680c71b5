import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { MembershipsService } from './memberships.service';

@Module({
  controllers: [GroupsController],
  providers: [GroupsService, MembershipsService],
  exports: [GroupsService, MembershipsService],
})
export class GroupsModule {}
