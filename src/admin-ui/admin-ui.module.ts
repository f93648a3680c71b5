import { Module } from '@nestjs/common';
import { AdminUiController, RootRedirectController } from './admin-ui.controller';

@Module({ controllers: [AdminUiController, RootRedirectController] })
export class AdminUiModule {}
