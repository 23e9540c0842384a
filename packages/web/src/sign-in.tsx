import type { BackofficeSession } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { ApiError, post } from './api.ts';
import { navigate } from './router.ts';
import { Field, Form } from './ui.tsx';

/**
 * Merchants sign in with email and password; operators with theirs, or with the operator token
 * (the owner's bootstrap key). Once a person turned on two-factor, the hub answers
 * TWO_FACTOR_REQUIRED and the form asks for the code, sending the same again with it.
 */
export function SignIn() {
  const [who, setWho] = useState<'merchant' | 'operator'>('merchant');
  const [needsCode, setNeedsCode] = useState(false);
  const choose = (next: 'merchant' | 'operator') => {
    setWho(next);
    setNeedsCode(false);
  };
  const signIn = async (surface: 'console' | 'cabinet', body: Record<string, string>) => {
    try {
      const session = await post<BackofficeSession>(`/${surface}/v1/session`, body);
      navigate(session.twoFactor.mustSetUp ? `/${surface}/account` : `/${surface}`);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'TWO_FACTOR_REQUIRED') {
        setNeedsCode(true);
        return 'Enter the code from your authenticator app';
      }
      throw error;
    }
  };
  const code = needsCode && <Field label="Authentication code (or a recovery code)" name="code" required placeholder="123456" />;
  const withCode = (d: Record<string, string>) => ({ email: d.email!, password: d.password!, ...(d.code && { code: d.code }) });
  return (
    <div class="sign-in">
      <h1>Dropgate</h1>
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={who === 'merchant'} onClick={() => choose('merchant')}>Merchant</button>
        <button role="tab" aria-selected={who === 'operator'} onClick={() => choose('operator')}>Operator</button>
      </div>
      {who === 'merchant' ? (
        <Form class="stacked" submit="Sign in" onSubmit={(d) => signIn('cabinet', withCode(d))}>
          <Field label="Email" name="email" type="email" required />
          <Field label="Password" name="password" type="password" required />
          {code}
        </Form>
      ) : (
        <Form class="stacked" submit="Sign in" onSubmit={(d) => (d.token ? signIn('console', { token: d.token }) : signIn('console', withCode(d)))}>
          <Field label="Email" name="email" type="email" />
          <Field label="Password" name="password" type="password" />
          {code}
          <Field label="Operator token" name="token" type="password" />
          <small>Or, instead of email and password, the operator token (the owner's bootstrap key, the CLI's DROPGATE_ADMIN_TOKEN).</small>
        </Form>
      )}
    </div>
  );
}
