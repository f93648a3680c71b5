import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/cursor';
import { Optional } from '../../common/validation';
import { EVENT_TYPES } from '../webhook-events';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const EVENTS_DESCRIPTION = `Event types to send: ${EVENT_TYPES.join(', ')}`;

export class CreateWebhookDto {
  @ApiProperty({
    description:
      'Where events are POSTed: https (http only in development); loopback and private addresses are refused ' +
      'unless ALLOW_PRIVATE_NETWORK=true',
    example: 'https://hooks.example.com/groupsync',
    maxLength: 2048,
  })
  @Transform(trim)
  @IsString()
  @MaxLength(2048)
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiProperty({ description: EVENTS_DESCRIPTION, enum: EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of ${EVENT_TYPES.join(', ')}` })
  events!: string[];

  @ApiPropertyOptional({ description: 'What the receiver is, for people', maxLength: 200 })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(200)
  description?: string | null;

  @ApiPropertyOptional({ default: true, description: 'false: saved, but nothing is sent' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ description: 'Where events are POSTed (same rules as at create)', maxLength: 2048 })
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(2048)
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ description: EVENTS_DESCRIPTION, enum: EVENT_TYPES, isArray: true })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of ${EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({
    description: 'What the receiver is; null clears it',
    maxLength: 200,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(200)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'false stops sending (pending deliveries wait); true starts again and clears disabledAt',
  })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description: 'true: a new signing secret replaces the old one at once; the answer shows it, once',
  })
  @Optional()
  @IsBoolean()
  rotateSecret?: boolean;
}

export class DeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this state' })
  @Optional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
}
