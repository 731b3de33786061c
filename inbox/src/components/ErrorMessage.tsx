import type { InboxError } from '../errors.ts';

/** An error in words, announced to screen readers. */
export function ErrorMessage(props: { error: InboxError | null; prefix?: string }) {
  if (props.error === null) return null;
  return (
    <p className="error" role="alert">
      {props.prefix ? `${props.prefix}: ` : ''}
      {props.error.message}
    </p>
  );
}
