import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AllConfigType } from '../config/configuration';
import { SecretBox } from '../common/crypto';
import { SystemSettingsService } from '../database/system-settings.service';

/**
 * SECRET_KEY encrypts secrets at rest. When it is not set, one is generated and stored in the
 * database so a single-node install works out of the box; production should set SECRET_KEY so the
 * key does not sit next to the data it protects.
 */
@Injectable()
export class SecretKeyService implements OnModuleInit {
  private secretBox?: SecretBox;
  private macRoot?: Buffer;

  constructor(
    private readonly config: ConfigService<AllConfigType, true>,
    private readonly settings: SystemSettingsService,
  ) {}

  async onModuleInit(): Promise<void> {
    let key = this.config.get('app.secretKey', { infer: true });
    if (!key) {
      const stored = await this.settings.getOrCreate('secretKey', randomBytes(32).toString('base64url'));
      if (stored.created)
        new Logger('SecretKey').warn('Generated and stored a SECRET_KEY; set SECRET_KEY in production');
      key = stored.value;
    }
    this.secretBox = new SecretBox(key);
    this.macRoot = createHash('sha256').update(`groupsync:mac:${key}`).digest();
  }

  /** HMAC-SHA256 (base64url) of a value, with a key derived from SECRET_KEY for one purpose. */
  mac(purpose: string, value: string): string {
    if (!this.macRoot) throw new Error('SecretKeyService used before start-up finished');
    return createHmac('sha256', this.macRoot).update(`${purpose}\n${value}`).digest('base64url');
  }

  get box(): SecretBox {
    if (!this.secretBox) throw new Error('SecretKeyService used before start-up finished');
    return this.secretBox;
  }
}
