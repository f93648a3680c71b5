import { Flex, Heading, Link, Spinner, Text } from '@radix-ui/themes';
import { Link as RouterLink, Navigate, Route, Routes } from 'react-router';
import { useOperatorSession } from './auth';
import { AuditPage } from './pages/Audit';
import { GroupPage } from './pages/Group';
import { GroupsPage } from './pages/Groups';
import { IdentityProvidersPage } from './pages/IdentityProviders';
import { IdentityProviderSettingsPage } from './pages/IdentityProviderSettings';
import { JobsPage } from './pages/Jobs';
import { WebhooksPage } from './pages/Webhooks';
import { MePage } from './pages/Me';
import { OverviewPage } from './pages/Overview';
import { RolesPage } from './pages/Roles';
import { ScimTokensPage } from './pages/ScimTokens';
import { StagedRemovalsPage } from './pages/StagedRemovals';
import { SignInPage } from './pages/SignIn';
import { TenantShell } from './pages/TenantShell';
import { TestSignInPage } from './pages/TestSignIn';
import { UserPage } from './pages/User';
import { UsersPage } from './pages/Users';
import { WorkspacesPage } from './pages/Workspaces';

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/signin" element={<SignInPage />} />
      <Route path="/t/:tenant/me" element={<MePage />} />
      <Route path="/t/:tenant" element={<TenantShell />}>
        <Route index element={<Navigate to="overview" replace />} />
        <Route path="overview" element={<OverviewPage />} />
        <Route path="identity-providers" element={<IdentityProvidersPage />} />
        <Route path="identity-providers/:idp" element={<IdentityProviderSettingsPage />} />
        <Route path="identity-providers/:idp/test-sign-ins/:id" element={<TestSignInPage />} />
        <Route path="groups" element={<GroupsPage />} />
        <Route path="groups/:groupId" element={<GroupPage />} />
        <Route path="roles" element={<RolesPage />} />
        <Route path="scim-tokens" element={<ScimTokensPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="users/:userId" element={<UserPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="staged-removals" element={<StagedRemovalsPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

/** The operator lands on the workspace picker; anyone else on the sign-in page. */
function Home() {
  const session = useOperatorSession();
  if (session.isPending)
    return (
      <Flex justify="center" p="6">
        <Spinner size="3" aria-label="Loading" />
      </Flex>
    );
  return session.data ? <WorkspacesPage /> : <SignInPage />;
}

function NotFound() {
  return (
    <main className="shell">
      <Heading as="h1">Page not found</Heading>
      <Text as="p">
        <Link asChild>
          <RouterLink to="/">Back to the start</RouterLink>
        </Link>
      </Text>
    </main>
  );
}
