import { AppShell, Badge, Box, Burger, Button, Group, Loader, NavLink, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { Suspense, useLayoutEffect } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useStreamState } from '../live/live.js';
import { useSession } from '../session/session.js';
import { visibleItems, withNext } from './navigation.js';
import { removeServerShell } from '../pages/shop/server-shell.js';
import { useRouteFocus } from './route-focus.js';

const STREAM_LOOK = {
  open: { color: 'green', label: 'Live' },
  connecting: { color: 'gray', label: 'Connecting' },
  reconnecting: { color: 'orange', label: 'Reconnecting' },
  closed: { color: 'gray', label: 'Offline' },
} as const;

function LiveIndicator() {
  const state = useStreamState();
  const look = STREAM_LOOK[state];
  return (
    <Badge
      color={look.color}
      variant="dot"
      w={{ base: 34, xs: 130 }}
      data-testid="live-state"
      data-state={state}
      title={`Live updates: ${look.label}`}
    >
      {/* Phones show only the dot (the words stay for screen readers); the fixed width keeps the header still. */}
      <VisuallyHidden>Live updates: </VisuallyHidden>
      <Box component="span" visibleFrom="xs">
        {look.label}
      </Box>
      <VisuallyHidden hiddenFrom="xs">{look.label}</VisuallyHidden>
    </Badge>
  );
}

/** The frame of every page: header with the account, and a navigation that lists only what the roles allow. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const items = visibleItems(user?.roles ?? []);
  useRouteFocus('main');
  // Before the browser paints this layout: the server's static catalogue and the app's page never show together.
  useLayoutEffect(removeServerShell, []);
  // Sign-in and sign-up from the header come back to this page (not to the sign-in pages themselves).
  const here = /^\/(login|register)\b/.test(location.pathname) ? null : `${location.pathname}${location.search}`;
  const isActive = (to: string) => (to === '/' || to === '/admin' || to === '/warehouse' ? location.pathname === to : location.pathname.startsWith(to));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="LimitedCart home">
              <Text component="span" fz="h3" fw={700} c="indigo.8">
                LimitedCart
              </Text>
            </UnstyledButton>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {user && <LiveIndicator />}
            {user ? (
              <>
                <Text size="sm" visibleFrom="sm" data-testid="signed-in-as">
                  {user.email}
                </Text>
                <Button
                  variant="default"
                  size="xs"
                  onClick={() => {
                    logout();
                    navigate('/');
                  }}
                >
                  Sign out
                </Button>
              </>
            ) : (
              <>
                <Button component={Link} to={withNext('/login', here)} size="xs" variant="default">
                  Sign in
                </Button>
                <Button component={Link} to={withNext('/register', here)} size="xs">
                  {/* Shorter on phones, where the header has no room for both buttons' long labels. */}
                  <Box component="span" visibleFrom="xs">
                    Create account
                  </Box>
                  <Box component="span" hiddenFrom="xs">
                    Sign up
                  </Box>
                </Button>
              </>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        {items.map((item) => (
          <NavLink key={item.to} component={Link} to={item.to} label={item.label} active={isActive(item.to)} onClick={close} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<Loader aria-label="Loading page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
