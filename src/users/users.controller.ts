import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';
import { MembershipWhyService } from './membership-why.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly why: MembershipWhyService,
  ) {}

  /** Pre-provisions a user; SSO sign-in and SCIM also create users. */
  @Post()
  create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateUserDto, @Ctx() ctx: RequestContext) {
    return this.users.create(tenant.id, dto, ctx);
  }

  @Get()
  list(@CurrentTenant() tenant: Tenant, @Query() q: ListUsersQueryDto) {
    return this.users.list(tenant.id, q);
  }

  @Get(':userId')
  get(@CurrentTenant() tenant: Tenant, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.users.get(tenant.id, userId);
  }

  @Get(':userId/memberships')
  memberships(@CurrentTenant() tenant: Tenant, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.why.explain(tenant.id, userId);
  }

  @Patch(':userId')
  update(
    @CurrentTenant() tenant: Tenant,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: UpdateUserDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.users.update(tenant.id, userId, dto, ctx);
  }

  @Delete(':userId')
  @HttpCode(204)
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.users.remove(tenant.id, userId, ctx);
  }
}
