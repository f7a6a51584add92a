import { Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { User } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useAction } from '../../hooks/use-action.js';
import { useSession } from '../../session/session.js';

/** Where a user lands after signing in without a `next`: the first page of their main role. */
export const homeOf = (user: User): string =>
  user.roles.includes('ADMIN') ? '/admin' : user.roles.includes('WAREHOUSE') ? '/warehouse' : '/';

export function LoginPage() {
  const { login } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run(async () => {
      const user = await login(email, password);
      const next = params.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : homeOf(user), { replace: true });
    });
  };

  return (
    <Card withBorder radius="md" padding="xl" maw={420} mx="auto" mt="xl" component="form" onSubmit={submit} aria-label="Sign in">
      <Stack gap="sm">
        <Title order={1} size="h2">
          Sign in
        </Title>
        <TextInput label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
        />
        <ErrorAlert error={signIn.error} title="Could not sign in" />
        <Button type="submit" loading={signIn.pending}>
          Sign in
        </Button>
        <Text size="sm">
          New here?{' '}
          <Anchor component={Link} to="/register">
            Create an account
          </Anchor>
        </Text>
      </Stack>
    </Card>
  );
}
