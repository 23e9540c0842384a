import { useState } from 'preact/hooks';
import { post } from './api.ts';
import { navigate } from './router.ts';
import { Field, Form } from './ui.tsx';

/** Merchants sign in with email and password; the operator with the operator token. */
export function SignIn() {
  const [who, setWho] = useState<'merchant' | 'operator'>('merchant');
  return (
    <div class="sign-in">
      <h1>Dropgate</h1>
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={who === 'merchant'} onClick={() => setWho('merchant')}>Merchant</button>
        <button role="tab" aria-selected={who === 'operator'} onClick={() => setWho('operator')}>Operator</button>
      </div>
      {who === 'merchant' ? (
        <Form class="stacked" submit="Sign in" onSubmit={async (d) => {
          await post('/cabinet/v1/session', { email: d.email, password: d.password });
          navigate('/cabinet');
        }}>
          <Field label="Email" name="email" type="email" required />
          <Field label="Password" name="password" type="password" required />
        </Form>
      ) : (
        <Form class="stacked" submit="Sign in" onSubmit={async (d) => {
          await post('/console/v1/session', { token: d.token });
          navigate('/console');
        }}>
          <Field label="Operator token" name="token" type="password" required />
          <small>The token printed when the hub first started (the CLI's DROPGATE_ADMIN_TOKEN).</small>
        </Form>
      )}
    </div>
  );
}
