import { Module } from '@nestjs/common';
import { WebhookWorker } from './webhook-worker.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Signed webhooks (docs/webhooks.md). Nothing here is called by the features that change things:
 * their audit events feed the outbox through a database trigger, in their own transaction.
 */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookWorker],
})
export class WebhooksModule {}
