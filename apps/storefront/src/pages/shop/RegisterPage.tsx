import { Anchor, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { auth } from '../../api/endpoints.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { homeOf, nextPage, withNext } from '../../components/navigation.js';
import { useAction } from '../../hooks/use-action.js';
import { useSession } from '../../session/session.js';

const MIN_PASSWORD = 8;

/** Creates a shopper account, signs it in, and returns to the page that sent the shopper here (`?next=`). */
export function RegisterPage() {
  const { login, user } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const register = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void register.run(async () => {
      await auth.register(email, password);
      await login(email, password);
      navigate(nextPage(params) ?? '/', { replace: true });
    });
  };

  if (user && !register.pending) return <Navigate to={nextPage(params) ?? homeOf(user)} replace />;

  return (
    <Card withBorder radius="md" padding="xl" maw={420} mx="auto" mt="xl" component="form" onSubmit={submit} aria-label="Create account">
      <Stack gap="sm">
        <Title order={1} size="h2">
          Create an account
        </Title>
        <TextInput label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
        <PasswordInput
          label="Password"
          description={`At least ${MIN_PASSWORD} characters`}
          autoComplete="new-password"
          minLength={MIN_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
        />
        <ErrorAlert error={register.error} title="Could not create the account" />
        <Button type="submit" loading={register.pending}>
          Create account
        </Button>
        <Text size="sm">
          Already have an account?{' '}
          <Anchor component={Link} to={withNext('/login', nextPage(params))}>
            Sign in
          </Anchor>
        </Text>
      </Stack>
    </Card>
  );
}
