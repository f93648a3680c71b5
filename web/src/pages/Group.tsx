import { Flex, Heading, Link, Tabs, Text } from '@radix-ui/themes';
import { useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { DeletePreview } from '../api/types';
import { DeleteWithPreview } from '../components/DeleteWithPreview';
import { ErrorCallout } from '../components/ui';
import { groupPath } from '../lib/tree';
import { Links } from './GroupLinks';
import { Members } from './GroupMembers';
import { useGroups } from './Groups';

/** One group: its members (with where each role comes from) and its links to IdP groups. */
export function GroupPage() {
  const { tenant = '', groupId = '' } = useParams();
  const groups = useGroups(tenant);
  const group = groups.data?.find((g) => g.id === groupId);
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'links' ? 'links' : 'members';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const path = { tenant, groupId };
  return (
    <Flex direction="column" gap="4">
      <Text size="2">
        <Link asChild>
          <RouterLink to=".." relative="path">
            Groups
          </RouterLink>
        </Link>{' '}
        /
      </Text>
      <Heading as="h2" size="4">
        {group ? groupPath(groups.data ?? [], group.id) : 'Group'}
      </Heading>
      <ErrorCallout error={groups.error} />
      {groups.data && !group ? (
        <ErrorCallout error={new Error('This group does not exist (any more).')} />
      ) : null}
      {group ? (
        <DeleteWithPreview
          what={`the group ${group.name}`}
          preview={() =>
            unwrap<DeletePreview>(
              api.DELETE('/api/v1/tenants/{tenant}/groups/{groupId}', {
                params: { path, query: { dryRun: 'true' } },
              }),
            )
          }
          remove={(force) =>
            unwrap(
              api.DELETE('/api/v1/tenants/{tenant}/groups/{groupId}', {
                params: { path, query: force ? { force: 'true' } : {} },
              }),
            )
          }
          onDeleted={() => {
            void queryClient.invalidateQueries({ queryKey: ['groups', tenant] });
            void navigate('..', { relative: 'path' });
          }}
        />
      ) : null}
      <Tabs.Root
        value={tab}
        onValueChange={(v) => setSearch(v === 'links' ? { tab: 'links' } : {}, { replace: true })}
      >
        <Tabs.List aria-label="Group">
          <Tabs.Trigger value="members">Members</Tabs.Trigger>
          <Tabs.Trigger value="links">Group links</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="members">
          <Members tenant={tenant} groupId={groupId} />
        </Tabs.Content>
        <Tabs.Content value="links">
          <Links tenant={tenant} groupId={groupId} />
        </Tabs.Content>
      </Tabs.Root>
    </Flex>
  );
}
