import type { NextFunction, Response } from 'express';
import { sendError } from './http';
import type { GroupsyncRequest } from './request-context';
import { findInputProblem, InputProblem, isUnstorable, MAX_JSON_DEPTH } from './safe-input';

const MESSAGES: Record<InputProblem['kind'], (p: InputProblem) => [string, string]> = {
  too_deep: (p) => ['invalid_json', `${p.at} nests deeper than ${MAX_JSON_DEPTH} levels, the limit`],
  forbidden_key: (p) => [
    'invalid_key',
    `${p.at}: "${(p as { segment: string }).segment}" is not allowed as a name or path segment`,
  ],
  unstorable: (p) => ['invalid_string', `${p.at} contains a NUL character or an unpaired UTF-16 surrogate`],
};

/** The decoded path, or null when it does not decode (the router answers that itself). */
function decodedPath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * Runs after the body parsers, before any route, guard or validation: every request's body, query
 * and path go through the same checks (depth, prototype keys, storable strings), so no DTO, library
 * or database sees input that could pollute a prototype, blow the stack or fail to store.
 */
export function inputGuardMiddleware(req: GroupsyncRequest, res: Response, next: NextFunction): void {
  const path = decodedPath(req.path);
  const problem =
    (path !== null && isUnstorable(path) ? ({ kind: 'unstorable', at: 'path' } as const) : null) ??
    findInputProblem(req.query, 'query') ??
    findInputProblem(req.body, 'body');
  if (!problem) return next();
  const [code, message] = MESSAGES[problem.kind](problem);
  sendError(res, { statusCode: 400, code, message, correlationId: req.correlationId ?? 'none' });
}
