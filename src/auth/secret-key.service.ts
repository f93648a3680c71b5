import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, EntityTarget } from 'typeorm';
import { AllConfigType } from '../config/configuration';
import { SecretBox } from '../common/crypto';
import { SystemSettingsService } from '../database/system-settings.service';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { Webhook } from '../webhooks/webhook.entity';

/** Where a development install keeps its generated key: beside the data, never inside the database. */
const DEFAULT_SECRET_KEY_FILE = './data/secret-key';
const MIN_KEY_LENGTH = 32;

/**
 * SECRET_KEY encrypts secrets at rest (OIDC and Graph client secrets), so it must not live in the
 * database it protects. Where it comes from, first match wins:
 * 1. SECRET_KEY; 2. SECRET_KEY_FILE (must exist; production requires one of these two);
 * 3. development only: a key an earlier version stored in the database (kept readable, with a
 *    warning to move it out); 4. development only: ./data/secret-key, generated once (mode 0600).
 * SECRET_KEY_PREVIOUS opens secrets sealed before a rotation; they are re-sealed with the new key
 * at start-up.
 */
@Injectable()
export class SecretKeyService implements OnModuleInit {
  private readonly logger = new Logger('SecretKey');
  private secretBox?: SecretBox;
  private macRoot?: Buffer;

  constructor(
    private readonly config: ConfigService<AllConfigType, true>,
    private readonly settings: SystemSettingsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const previous = this.config.get('app.previousSecretKey', { infer: true });
    const key = await this.currentKey();
    this.secretBox = new SecretBox(key, previous ? [previous] : []);
    this.macRoot = createHash('sha256').update(`groupsync:mac:${key}`).digest();
    if (previous) await this.resealAll();
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

  private async currentKey(): Promise<string> {
    const app = this.config.get('app', { infer: true });
    if (app.secretKey) return app.secretKey;
    if (app.secretKeyFile) {
      const key = readKeyFile(app.secretKeyFile);
      if (key === null) throw new Error(`SECRET_KEY_FILE ${app.secretKeyFile} does not exist`);
      return key;
    }
    if (app.production) throw new Error('SECRET_KEY or SECRET_KEY_FILE must be set when NODE_ENV=production');
    const legacy = await this.settings.get('secretKey');
    if (legacy) {
      this.logger.warn(
        'Using the SECRET_KEY an earlier version generated and stored in the database: anyone with a copy ' +
          'of the database can open the secrets in it. Move it out: set SECRET_KEY (or SECRET_KEY_FILE) to ' +
          'that value, restart, then rotate it (docs/security.md).',
      );
      return legacy;
    }
    return this.developmentKeyFile();
  }

  /** Development: read ./data/secret-key, or create it (exclusively, so parallel starts agree). */
  private developmentKeyFile(): string {
    const existing = readKeyFile(DEFAULT_SECRET_KEY_FILE);
    if (existing !== null) return existing;
    mkdirSync(dirname(DEFAULT_SECRET_KEY_FILE), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(DEFAULT_SECRET_KEY_FILE, `${randomBytes(32).toString('base64url')}\n`, {
        flag: 'wx',
        mode: 0o600,
      });
      this.logger.warn(
        `Generated a SECRET_KEY in ${DEFAULT_SECRET_KEY_FILE} (development only; production needs SECRET_KEY or SECRET_KEY_FILE)`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readKeyFile(DEFAULT_SECRET_KEY_FILE)!;
  }

  /** After a rotation: every secret still sealed with SECRET_KEY_PREVIOUS is sealed again with SECRET_KEY. */
  private async resealAll(): Promise<void> {
    const idps = await this.resealColumn(IdentityProvider, 'secrets');
    const webhooks = await this.resealColumn(Webhook, 'secret');
    if (idps + webhooks > 0)
      this.logger.warn(
        `Re-sealed the secrets of ${idps} identity provider(s) and ${webhooks} webhook(s) with the new ` +
          'SECRET_KEY; SECRET_KEY_PREVIOUS can be removed',
      );
  }

  private async resealColumn<T extends { id: string }>(
    entity: EntityTarget<T>,
    column: keyof T & string,
  ): Promise<number> {
    const repo = this.dataSource.getRepository(entity);
    const rows = await repo
      .createQueryBuilder('r')
      .select(['r.id', `r.${column}`])
      .where(`r.${column} IS NOT NULL`)
      .getMany();
    let resealed = 0;
    for (const row of rows) {
      const sealed = row[column] as unknown as string;
      const opened = this.box.openAny(sealed);
      if (opened.current) continue;
      // Conditional: another instance re-sealing the same row at the same time is harmless.
      await repo
        .createQueryBuilder()
        .update()
        .set({ [column]: this.box.seal(opened.plain) } as never)
        .where(`id = :id AND "${column}" = :sealed`, { id: row.id, sealed })
        .execute();
      resealed++;
    }
    return resealed;
  }
}

/** The key in a file (trimmed), or null when there is no such file. */
function readKeyFile(path: string): string | null {
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return null;
    throw new Error(`The key file ${path} cannot be read (${e.code ?? e.message})`);
  }
  if (key.length < MIN_KEY_LENGTH)
    throw new Error(`The key in ${path} must be at least ${MIN_KEY_LENGTH} characters long`);
  return key;
}
