import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateOperatorSessionDto {
  @ApiProperty({ description: 'The operator token (ADMIN_TOKEN or the one printed at first start)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  token!: string;
}

export class OperatorSessionStatusDto {
  @ApiProperty({ description: 'False when this browser has no valid operator session' })
  signedIn!: boolean;

  @ApiPropertyOptional({ description: 'Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE' })
  csrfToken?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt?: string;
}

export class OperatorSessionDto {
  @ApiProperty({ description: 'Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE' })
  csrfToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
