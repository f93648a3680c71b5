import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GroupsyncRequest } from '../common/request-context';
import { sendRefusalPage } from './refusal-page';
import { SAML_LIMIT_BOUNDS } from './saml-precheck';

/**
 * The largest ACS form body: the largest per-IdP response limit, base64-encoded (4/3), plus the
 * form encoding of '+', '/' and '=' and a RelayState. Smaller than the API's 1 MB.
 */
const ACS_MAX_BODY_BYTES = Math.ceil(((SAML_LIMIT_BOUNDS.maxResponseBytes.max * 4) / 3) * 1.1) + 8192;
const ACS_PATH = /^\/sso\/[^/]+\/[^/]+\/acs\/?$/;

/**
 * The ACS's own urlencoded parser, installed before the general body parsers (which then skip the
 * already-read body), so an oversized post is cut off while reading, with the sign-in refusal page.
 */
export function acsBodyParser(): RequestHandler {
  const parse = express.urlencoded({ limit: ACS_MAX_BODY_BYTES, extended: false, parameterLimit: 10 });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !ACS_PATH.test(req.path)) return next();
    parse(req, res, (err?: { type?: string }) => {
      if (!err) return next();
      const correlationId = (req as GroupsyncRequest).correlationId ?? 'none';
      const tooLarge = err.type === 'entity.too.large' || err.type === 'parameters.too.many';
      sendRefusalPage(
        res,
        tooLarge ? 413 : 400,
        tooLarge
          ? 'the sign-in response is larger than this service accepts; ask your administrator to send fewer groups, e.g. only the groups assigned to the application'
          : 'the sign-in response could not be read',
        correlationId,
      );
    });
  };
}
