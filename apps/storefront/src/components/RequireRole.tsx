import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '../api/types.js';
import { useSession } from '../session/session.js';

/** Signed-out visitors go to the sign-in page (and come back); signed-in users without the role see why not. */
export function RequireRole({ roles, children }: { readonly roles: readonly Role[]; readonly children: ReactNode }) {
  const { user, hasRole } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (roles.length > 0 && !hasRole(...roles)) {
    return (
      <Alert color="red" title="Not allowed" role="alert">
        {roles.length === 1 ? `This page needs the ${roles[0]} role.` : `This page needs one of the roles ${roles.join(', ')}.`}
      </Alert>
    );
  }
  return <>{children}</>;
}
