import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { Public } from '../auth/auth.decorators';

/** Where `vite build` writes the admin UI (the same relative place from src/ and dist/). */
const ADMIN_UI_DIR = join(__dirname, '..', '..', 'web', 'dist');

/**
 * The one inline style the UI needs: Radix's ScrollArea (inside Radix Themes' Table) renders this
 * exact <style> to hide native scrollbars. Allowed by its hash, not by 'unsafe-inline'; if Radix
 * changes it, the browser test's CSP check fails and names the new hash.
 */
const RADIX_SCROLL_AREA_STYLE =
  '[data-radix-scroll-area-viewport]{scrollbar-width:none;-ms-overflow-style:none;-webkit-overflow-scrolling:touch;}[data-radix-scroll-area-viewport]::-webkit-scrollbar{display:none}';
const styleHash = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

/**
 * The admin UI's own policy: a Vite build needs script and style files from this origin and
 * nothing inline; the UI talks only to this origin's API.
 */
const ADMIN_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${styleHash(RADIX_SCROLL_AREA_STYLE)}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HASHED_ASSET = /^assets\/[\w.-]+-[\w-]{8,}\.[a-z0-9]+$/;

/**
 * Serves the built admin UI at /admin: hashed assets cached for a year, index.html never cached,
 * and every other path under /admin answered with index.html so client routes survive a reload.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminUiController {
  @Get()
  root(@Req() req: Request, @Res() res: Response) {
    // Relative asset URLs resolve against /admin/, not /.
    if (!req.path.endsWith('/')) return res.redirect(301, '/admin/');
    this.sendIndex(res);
  }

  @Get('*path')
  file(@Req() req: Request, @Res() res: Response) {
    const relative = decodeURIComponent(req.path.replace(/^\/admin\/?/, ''));
    const full = normalize(join(ADMIN_UI_DIR, relative));
    const inside = full.startsWith(ADMIN_UI_DIR + sep);
    if (inside && HASHED_ASSET.test(relative) && existsSync(full)) {
      this.secure(res);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      return res.sendFile(full);
    }
    // A missing asset is a 404, not the app: a stale page must not parse HTML as a script.
    if (relative.startsWith('assets/')) return res.status(404).type('text').send('Not found');
    if (inside && /^[\w.-]+\.(ico|png|svg|txt|webmanifest)$/.test(relative) && existsSync(full)) {
      this.secure(res);
      res.setHeader('Cache-Control', 'no-cache');
      return res.sendFile(full);
    }
    this.sendIndex(res);
  }

  private secure(res: Response) {
    res.setHeader('Content-Security-Policy', ADMIN_UI_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
  }

  private sendIndex(res: Response) {
    const index = join(ADMIN_UI_DIR, 'index.html');
    this.secure(res);
    res.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(index)) {
      return res
        .status(503)
        .type('text')
        .send('The admin UI is not built: run `npm run build` (it builds the server and web/).');
    }
    res.sendFile(index);
  }
}

/** The service's root: people who open it in a browser want the admin UI. */
@ApiExcludeController()
@Public()
@Controller()
export class RootRedirectController {
  @Get()
  root(@Res() res: Response) {
    res.redirect(302, '/admin/');
  }
}
