import { escapeHtml } from '../common/html';

export const STYLE = `body{font-family:system-ui,sans-serif;max-width:38rem;margin:3rem auto;padding:0 1rem;color:#222}
.warn{background:#fff4d6;border:1px solid #e8c15a;padding:.6rem .8rem;border-radius:4px}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}input[type=email],input[type=text],textarea{width:100%;padding:.4rem;box-sizing:border-box}
fieldset{margin-top:1rem}fieldset label{font-weight:normal;margin:.2rem 0}button{margin-top:1.2rem;padding:.5rem 1.2rem}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}`;

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>${body}</body></html>`;

export interface SignInForm {
  requestId: string;
  audience: string;
  acsUrl: string;
  relayState: string;
  workspace: string | null;
  suggestedGroups: string[];
}

/** Where a newcomer types an email and picks groups; the answer is a signed SAML response. */
export function signInPage(f: SignInForm): string {
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const choices = f.suggestedGroups.length
    ? `<fieldset><legend>Groups the workspace links (tick the ones to send)</legend>${f.suggestedGroups
        .map(
          (g) =>
            `<label><input type="checkbox" name="groups" value="${escapeHtml(g)}"> ${escapeHtml(g)}</label>`,
        )
        .join('')}</fieldset>`
    : '';
  return page(
    'groupsync development IdP',
    `<h1>groupsync development IdP</h1>
<p class="warn">For trying groupsync only: anyone can sign in as anyone here. It exists because <code>DEV_IDP=true</code>; never turn that on in production.</p>
<p>Signing in to <strong>${escapeHtml(f.workspace ?? f.audience)}</strong>.</p>
<form method="post" action="/dev-idp/sso">
${hidden('requestId', f.requestId)}${hidden('audience', f.audience)}${hidden('acsUrl', f.acsUrl)}${hidden('relayState', f.relayState)}
<label for="email">Email</label><input id="email" name="email" type="email" required autofocus placeholder="ada@example.com">
<label for="displayName">Display name (optional)</label><input id="displayName" name="displayName" type="text" placeholder="Ada Lovelace">
${choices}
<label for="otherGroups">Other groups, one per line (names, object ids or DNs)</label><textarea id="otherGroups" name="otherGroups" rows="3"></textarea>
<button type="submit">Sign in</button>
</form>`,
  );
}

export const AUTO_POST_SCRIPT = 'document.forms[0].submit()';

/** The HTTP-POST binding: the browser carries the signed response to the service's ACS. */
export function autoPostPage(acsUrl: string, samlResponse: string, relayState: string): string {
  return page(
    'Signing in…',
    `<form method="post" action="${escapeHtml(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">
${relayState ? `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">` : ''}
<p>Signing you in…</p><button type="submit">Continue</button></form>
<script>${AUTO_POST_SCRIPT}</script>`,
  );
}
