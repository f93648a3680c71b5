import { Module } from '@nestjs/common';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { MembershipWhyService } from './membership-why.service';

@Module({
  controllers: [UsersController],
  providers: [UsersService, MembershipWhyService],
  exports: [UsersService],
})
export class UsersModule {}
