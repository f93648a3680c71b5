import { ApiError } from '../api/client';
import { placeErrors, serverProblems } from './form-errors';

const FIELDS = {
  ssoUrl: ['ssoUrl'],
  certificates: ['certificates'],
  metadataXml: ['metadataXml'],
  graceHours: ['groupSync.removalGraceHours'],
  defaults: ['groupSync.defaultMemberships'],
};

describe('placing the service refusals beside their fields', () => {
  it('reads validation_failed lists, nested fields and array items included', () => {
    const error = new ApiError(400, 'validation_failed', 'Invalid request', [
      { field: 'groupSync.removalGraceHours', problems: ['removalGraceHours must not be greater than 8760'] },
      { field: 'groupSync.defaultMemberships.0.role', problems: ['role must be one of guest, owner'] },
      { field: 'scopes', problems: ['each value in scopes must match'] },
    ]);
    expect(serverProblems(error)).toHaveLength(3);
    expect(placeErrors(error, FIELDS)).toEqual({
      byField: {
        graceHours: ['removalGraceHours must not be greater than 8760'],
        defaults: ['role must be one of guest, owner'],
      },
      rest: ['each value in scopes must match'],
    });
  });

  it('reads the save-time checks: details.field names the setting, the message says why', () => {
    const https = new ApiError(400, 'insecure_url', 'ssoUrl must be an https:// URL', { field: 'ssoUrl' });
    expect(placeErrors(https, FIELDS).byField).toEqual({ ssoUrl: ['ssoUrl must be an https:// URL'] });
    const cert = new ApiError(400, 'invalid_certificate', 'certificates[1]: expired', {
      field: 'certificates[1]',
      notAfter: '2020-01-01',
    });
    expect(placeErrors(cert, FIELDS).byField).toEqual({ certificates: ['certificates[1]: expired'] });
    const fromMetadata = new ApiError(
      400,
      'insecure_url',
      'metadataXml (SingleSignOnService) must be https',
      {
        field: 'metadataXml (SingleSignOnService)',
      },
    );
    expect(placeErrors(fromMetadata, FIELDS).byField.metadataXml).toEqual([
      'metadataXml (SingleSignOnService) must be https',
    ]);
    // a look-alike prefix is another field
    const other = new ApiError(400, 'x', 'no', { field: 'ssoUrlTemplate' });
    expect(placeErrors(other, FIELDS)).toEqual({ byField: {}, rest: ['no'] });
  });

  it('keeps errors that name no field for the form-wide message, and nothing without an error', () => {
    const missing = new ApiError(400, 'invalid_identity_provider', 'A SAML identity provider needs ...', {
      missing: ['entityId'],
    });
    expect(placeErrors(missing, FIELDS)).toEqual({
      byField: {},
      rest: ['A SAML identity provider needs ...'],
    });
    const foreign = new ApiError(400, 'invalid_identity_provider', 'Fields x do not apply', {
      fields: ['ssoUrl', 'clientId'],
    });
    expect(placeErrors(foreign, FIELDS)).toEqual({
      byField: { ssoUrl: ['Fields x do not apply'] },
      rest: ['Fields x do not apply'],
    });
    expect(placeErrors(new TypeError('Failed to fetch'), FIELDS).rest).toEqual(['Failed to fetch']);
    expect(placeErrors(null, FIELDS)).toEqual({ byField: {}, rest: [] });
  });
});
