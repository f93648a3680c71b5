import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { CONFIG_SCHEMA } from './schema';

/** The configuration document's JSON Schema, for editors and CI checks; it holds nothing secret. */
@ApiTags('config')
@Controller('api/v1')
export class ConfigSchemaController {
  @Public()
  @Get('config-schema.json')
  @ApiOperation({
    summary:
      'The JSON Schema of the configuration-as-code document (docs/config-as-code.md); no credential needed',
  })
  @ApiOkResponse({
    description: 'A JSON Schema (draft-07)',
    schema: { type: 'object', additionalProperties: true },
  })
  schema() {
    return CONFIG_SCHEMA;
  }
}
