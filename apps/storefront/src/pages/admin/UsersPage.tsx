import { Checkbox, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { admin } from '../../api/endpoints.js';
import { ROLES, type Role, type User } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollHint } from '../../components/ScrollHint.js';
import { Pager } from '../../components/Pager.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSession } from '../../session/session.js';

const PAGE_SIZE = 50;

/** Accounts, their roles and whether they are locked; a change reaches the user's session within seconds. */
export function UsersPage() {
  const { user: me } = useSession();
  const [page, setPage] = useState(0);
  const [search, setSearch] = useState('');
  const [email] = useDebouncedValue(search.trim(), 300);
  const list = useResource(() => admin.users({ page, size: PAGE_SIZE, ...(email ? { email } : {}) }), [page, email]);
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const save = async (user: User, change: () => Promise<unknown>) => {
    setSaving(user.id);
    setError(null);
    try {
      await change();
      await list.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(null);
    }
  };

  const toggle = (user: User, role: Role, on: boolean) => {
    const roles = on ? [...user.roles, role] : user.roles.filter((r) => r !== role);
    if (roles.length === 0) return;
    void save(user, () => admin.setRoles(user.id, roles));
  };

  return (
    <Stack gap="md">
      <Title order={1}>Users & roles</Title>
      <Text size="sm" c="dimmed">
        A role change or a lock reaches the user's open session within seconds; a locked account cannot sign in. Every
        account keeps at least one role.
      </Text>
      <TextInput
        label="Search by email"
        description="Any part of the address, in any case"
        placeholder="alice@example.com"
        type="search"
        maxLength={254}
        value={search}
        onChange={(e) => {
          setPage(0);
          setSearch(e.currentTarget.value);
        }}
        w={{ base: '100%', sm: 360 }}
        data-testid="user-search"
      />
      <ErrorAlert error={list.error ?? error} />
      {!list.data ? (
        <Loader aria-label="Loading users" />
      ) : (
        <>
          <ScrollHint />
          <Table.ScrollContainer minWidth={640}>
            <Table striped data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  {ROLES.map((role) => (
                    <Table.Th key={role}>{role}</Table.Th>
                  ))}
                  <Table.Th>Locked</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={ROLES.length + 2}>{email ? `No account's email contains “${email}”.` : 'No accounts.'}</Table.Td>
                  </Table.Tr>
                )}
                {list.data.items.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td>{user.email}</Table.Td>
                    {ROLES.map((role) => {
                      const has = user.roles.includes(role);
                      // An admin cannot remove their own ADMIN role here: that would lock them out mid-session.
                      const locked = (has && user.roles.length === 1) || (user.id === me?.id && role === 'ADMIN');
                      return (
                        <Table.Td key={role}>
                          <Checkbox
                            aria-label={`${role} role for ${user.email}`}
                            checked={has}
                            disabled={saving === user.id || locked}
                            onChange={(e) => void toggle(user, role, e.currentTarget.checked)}
                          />
                        </Table.Td>
                      );
                    })}
                    <Table.Td>
                      <Checkbox
                        aria-label={`Lock ${user.email}`}
                        checked={user.disabled ?? false}
                        // Locking oneself would end this very session.
                        disabled={saving === user.id || user.id === me?.id}
                        onChange={(e) => {
                          const disabled = e.currentTarget.checked;
                          void save(user, () => admin.setDisabled(user.id, disabled));
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} size={PAGE_SIZE} total={list.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}
