import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../common/errors';
import { FailedCredentialsLimiter } from '../common/rate-limit/failed-credentials';
import { Public } from './auth.decorators';
import {
  CreateOperatorSessionDto,
  OperatorSessionDto,
  OperatorSessionStatusDto,
} from './dto/operator-session.dto';
import { OperatorSessionsService } from './operator-sessions.service';

/** The admin UI's operator sign-in: token in, HttpOnly cookie out. */
@ApiTags('operator-session')
@Public()
@Controller('api/v1/operator-session')
export class OperatorSessionController {
  constructor(
    private readonly sessions: OperatorSessionsService,
    private readonly failures: FailedCredentialsLimiter,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: OperatorSessionDto, description: 'Sets the HttpOnly gs_operator cookie' })
  async create(
    @Body() dto: CreateOperatorSessionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OperatorSessionDto> {
    // JSON only: a form post is what a cross-site page could send (SameSite aside).
    if (!req.is('application/json'))
      throw new AppError('unsupported_media_type', 'Send the operator token as JSON: {"token": "..."}');
    const session = await this.sessions.start(dto.token, res);
    if (!session)
      // Counted with failed bearer tokens: guessing here must cost the same as guessing in a header.
      throw await this.failures.failedSecret(
        req,
        new AppError('unauthorized', 'This is not the operator token'),
      );
    return session;
  }

  /** 200 either way, so a page asking "am I signed in?" does not log a failed request. */
  @Get()
  @ApiOkResponse({ type: OperatorSessionStatusDto })
  async current(@Req() req: Request): Promise<OperatorSessionStatusDto> {
    const session = await this.sessions.find(req);
    if (!session) return { signedIn: false };
    return { signedIn: true, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Clears the cookie; with a valid operator session and its X-CSRF-Token, ends every operator session',
  })
  async end(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(req, res);
  }
}
