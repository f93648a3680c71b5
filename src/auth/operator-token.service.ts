import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AllConfigType } from '../config/configuration';
import { constantTimeEqual, newToken, sha256Hex } from '../common/crypto';
import { SystemSettingsService } from '../database/system-settings.service';

const OPERATOR_TOKEN_HASH = 'operatorTokenHash';

/**
 * The platform operator's bearer token. ADMIN_TOKEN wins when set; otherwise a token is generated at
 * first start, only its hash is stored, and the token itself is printed once.
 */
@Injectable()
export class OperatorTokenService implements OnModuleInit {
  private readonly logger = new Logger('OperatorToken');
  private tokenHash = '';

  constructor(
    private readonly config: ConfigService<AllConfigType, true>,
    private readonly settings: SystemSettingsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const fromEnv = this.config.get('app.adminToken', { infer: true });
    if (fromEnv) {
      this.tokenHash = sha256Hex(fromEnv);
      return;
    }
    const candidate = newToken('gso');
    const { value, created } = await this.settings.getOrCreate(OPERATOR_TOKEN_HASH, sha256Hex(candidate));
    this.tokenHash = value;
    if (created) {
      // Printed straight to stdout, once, outside the structured log.
      process.stdout.write(
        `\n  groupsync: generated the operator token (shown only this once; ADMIN_TOKEN overrides it):\n\n    ${candidate}\n\n`,
      );
    } else {
      this.logger.log('Using the stored operator token (set ADMIN_TOKEN to choose one)');
    }
  }

  /** The stored hash, so credentials derived from the token (operator sessions) die when it changes. */
  fingerprint(): string {
    return this.tokenHash;
  }

  matches(token: string): boolean {
    return constantTimeEqual(sha256Hex(token), this.tokenHash);
  }
}
