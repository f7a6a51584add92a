import { Alert } from '@mantine/core';
import { describeError, isApiError } from '../api/problem.js';

/** An API error in words, with its stable code as a data attribute (tests and support read it). */
export function ErrorAlert({ error, title }: { readonly error: unknown; readonly title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title ?? 'Something went wrong'} role="alert" data-code={isApiError(error) ? error.code : undefined}>
      {describeError(error)}
    </Alert>
  );
}
