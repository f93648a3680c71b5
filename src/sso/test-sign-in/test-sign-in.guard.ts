import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { SignInRefusal } from '../sign-in-refusal';
import { type SignInRequest, signInTargetOf } from '../sign-in-target';
import { TestSignInsService } from './test-sign-ins.service';

/**
 * The login step of a test sign-in, between SsoTargetGuard and the strategy: `?test=` must be the
 * one-time token an admin's start returned for this IdP, still pending. It marks the login as a
 * test (`req.testSignInId`, stored with the login state by the strategy). Anything else is refused:
 * the mark exists only server-side, so nobody can turn their own sign-in into a test, or a test
 * into a real sign-in, by editing the URL.
 */
@Injectable()
export class TestSignInGuard implements CanActivate {
  constructor(private readonly tests: TestSignInsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SignInRequest>();
    const token = (req.query as Record<string, unknown>).test;
    if (token === undefined) return true;
    const id =
      typeof token === 'string' && token.length <= 128
        ? await this.tests.claim(signInTargetOf(req), token)
        : null;
    if (!id)
      throw SignInRefusal.unauthenticated(
        HttpStatus.BAD_REQUEST,
        'test_sign_in_invalid',
        'this test sign-in link was used already or has expired; start the test again from the admin pages',
      );
    req.testSignInId = id;
    return true;
  }
}
