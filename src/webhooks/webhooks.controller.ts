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
import { CreateWebhookDto, DeliveriesQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

/** Summaries and answers: src/common/openapi-webhooks.ts. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateWebhookDto, @Ctx() ctx: RequestContext) {
    return this.webhooks.create(tenant, dto, ctx);
  }

  @Get()
  list(@CurrentTenant() tenant: Tenant) {
    return this.webhooks.list(tenant);
  }

  @Get(':webhookId')
  get(@CurrentTenant() tenant: Tenant, @Param('webhookId', ParseUUIDPipe) id: string) {
    return this.webhooks.get(tenant, id);
  }

  @Patch(':webhookId')
  update(
    @CurrentTenant() tenant: Tenant,
    @Param('webhookId', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.webhooks.update(tenant, id, dto, ctx);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('webhookId', ParseUUIDPipe) id: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.webhooks.remove(tenant, id, ctx);
  }

  @Get(':webhookId/deliveries')
  deliveries(
    @CurrentTenant() tenant: Tenant,
    @Param('webhookId', ParseUUIDPipe) id: string,
    @Query() query: DeliveriesQueryDto,
  ) {
    return this.webhooks.deliveries(tenant, id, query);
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(
    @CurrentTenant() tenant: Tenant,
    @Param('webhookId', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.webhooks.redeliver(tenant, id, deliveryId, ctx);
  }

  @Post(':webhookId/test')
  @HttpCode(202)
  test(
    @CurrentTenant() tenant: Tenant,
    @Param('webhookId', ParseUUIDPipe) id: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.webhooks.test(tenant, id, ctx);
  }
}
