import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api/client';
import type { Me } from './api/types';

/** The operator's session (cookie set by POST /api/v1/operator-session), or null. */
export function useOperatorSession() {
  return useQuery({
    queryKey: ['operator-session'],
    queryFn: async () => {
      const status = await unwrap<{ signedIn: boolean; csrfToken?: string }>(
        api.GET('/api/v1/operator-session'),
      );
      return status.signedIn && status.csrfToken ? { csrfToken: status.csrfToken } : null;
    },
    staleTime: 60_000,
  });
}

/** A workspace admin's SSO session for this workspace (from /sso/:tenant/me), or null. */
export function useWorkspaceSession(tenant: string, enabled: boolean) {
  return useQuery({
    queryKey: ['me', tenant],
    enabled,
    queryFn: async (): Promise<Me | null> => {
      const res = await fetch(`/sso/${encodeURIComponent(tenant)}/me`, { credentials: 'same-origin' });
      if (res.status === 401) return null;
      if (!res.ok) throw new Error(`Could not read your session (${res.status})`);
      return (await res.json()) as Me;
    },
    staleTime: 60_000,
  });
}

/** Where a workspace admin starts signing in through one of the workspace's identity providers. */
export const workspaceSignInUrl = (tenant: string, idp: string, returnTo = `/admin/t/${tenant}`) =>
  `/sso/${encodeURIComponent(tenant)}/${encodeURIComponent(idp)}/login?returnTo=${encodeURIComponent(returnTo)}`;
