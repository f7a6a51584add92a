import { Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { homeOf, nextPage, withNext } from '../../components/navigation.js';
import { useAction } from '../../hooks/use-action.js';
import { useSession } from '../../session/session.js';

export function LoginPage() {
  const { login, user } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run(async () => {
      const signedIn = await login(email, password);
      navigate(nextPage(params) ?? homeOf(signedIn), { replace: true });
    });
  };

  // Already signed in: nothing to do here.
  if (user && !signIn.pending) return <Navigate to={nextPage(params) ?? homeOf(user)} replace />;

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
          <Anchor component={Link} to={withNext('/register', nextPage(params))}>
            Create an account
          </Anchor>
        </Text>
      </Stack>
    </Card>
  );
}
