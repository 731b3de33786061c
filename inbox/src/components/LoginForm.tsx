import { type FormEvent, useMemo, useState } from 'react';
import { ErrorCode } from '../../../protocol/index.ts';
import { createAnonymousClient } from '../client.ts';
import { type InboxError, toInboxError } from '../errors.ts';
import { graphql } from '../gql/index.ts';
import type { Session } from '../session.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      agent {
        id
        email
        name
      }
    }
  }
`);

export function LoginForm(props: { onLogin: (session: Session) => void; notice: string | null }) {
  const client = useMemo(createAnonymousClient, []);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<InboxError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    const result = await client.mutation(LoginMutation, { email, password }).toPromise();
    setPending(false);
    if (result.data) {
      props.onLogin(result.data.login);
      return;
    }
    const failure = toInboxError(result.error);
    setError(
      failure.code === ErrorCode.UNAUTHENTICATED
        ? { ...failure, message: 'Wrong email or password.' }
        : failure,
    );
  };

  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sonny inbox</h1>
        {props.notice && <p className="notice">{props.notice}</p>}
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
