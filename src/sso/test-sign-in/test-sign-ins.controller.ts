import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../../common/request-context';
import type { Tenant } from '../../tenants/tenant.entity';
import { StartTestSignInDto } from './start-test-sign-in.dto';
import { TestSignInsService } from './test-sign-ins.service';

/**
 * The admin side of test sign-ins: start one (a login URL to open in a browser), read its result.
 * Tenant credentials only reach their own tenant (the auth guard), and every read is scoped to the
 * route's tenant and IdP.
 */
@ApiTags('identity-providers')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/identity-providers/:idp')
export class TestSignInsController {
  constructor(private readonly tests: TestSignInsService) {}

  @Post('test-sign-in')
  start(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') idp: string,
    @Body() _dto: StartTestSignInDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.tests.start(tenant, idp, ctx);
  }

  @Get('test-sign-ins/:id')
  get(@CurrentTenant() tenant: Tenant, @Param('idp') idp: string, @Param('id', ParseUUIDPipe) id: string) {
    return this.tests.get(tenant, idp, id);
  }
}
