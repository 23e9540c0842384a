/**
 * A person's own account, on both surfaces: their password, and two-factor sign-in (set up with
 * the password again, confirmed with a first code; the recovery codes shown once; turned off or
 * renewed with a code).
 */
import type { RecoveryCodes, TwoFactorSecret, TwoFactorStatus } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, put } from './api.ts';
import { navigate } from './router.ts';
import { SESSION_CHANGED, useWho } from './session.tsx';
import { Field, Form, Notice, Secret, useLoad } from './ui.tsx';

export function Account(props: { surface: 'console' | 'cabinet' }) {
  const who = useWho();
  if (who?.who === 'bootstrap-key') {
    return (
      <section>
        <h1>Account</h1>
        <p class="muted">You are signed in with the operator token, the owner's bootstrap key: it has no password or two-factor of its own. Sign in with your email to manage your account.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Account</h1>
      {who?.twoFactor.mustSetUp && <p class="notice error" role="alert">Your team requires two-factor sign-in: set it up below to use the console.</p>}
      <TwoFactor surface={props.surface} />
      <h2>Change password</h2>
      <Form class="stacked" submit="Change password" onSubmit={async (d) => {
        if (d.newPassword !== d.repeat) throw new Error('the new passwords differ');
        await put(`/${props.surface}/v1/password`, { currentPassword: d.currentPassword, newPassword: d.newPassword });
        navigate('/');
      }}>
        <Field label="Current password" name="currentPassword" type="password" required />
        <Field label="New password (10+ characters)" name="newPassword" type="password" required />
        <Field label="Repeat the new password" name="repeat" type="password" required />
        <small>You will sign in again with the new password; your other sessions end too.</small>
      </Form>
    </section>
  );
}

function TwoFactor(props: { surface: 'console' | 'cabinet' }) {
  const base = `/${props.surface}/v1/two-factor`;
  const { data, error, reload } = useLoad(() => get<TwoFactorStatus>(base), []);
  const [pending, setPending] = useState<TwoFactorSecret | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const done = (recovery: RecoveryCodes) => {
    setPending(null);
    setCodes(recovery.recoveryCodes);
    reload();
    window.dispatchEvent(new Event(SESSION_CHANGED));
  };
  if (!data) return <Notice error={error} />;
  return (
    <div>
      <h2>Two-factor sign-in {data.enabled ? <span class="badge completed">on</span> : <span class="badge">off</span>}</h2>
      {codes && (
        <div class="secret" role="status">
          <span>Recovery codes: each signs you in once in place of a code. Keep them apart from your device.</span>
          <code data-testid="recovery-codes">{codes.join('  ')}</code>
          <small>Shown once: copy them now.</small>
        </div>
      )}
      {data.enabled ? (
        <>
          <p class="muted">{data.recoveryCodesLeft} recovery code(s) left.</p>
          <div class="columns">
            <Form submit="New recovery codes" onSubmit={async (d) => done(await post<RecoveryCodes>(`${base}/recovery-codes`, { code: d.code }))}>
              <Field label="Current code" name="code" required size={10} />
            </Form>
            <Form submit="Turn off two-factor" onSubmit={async (d) => {
              await post(`${base}/disable`, { code: d.code });
              setCodes(null);
              reload();
              window.dispatchEvent(new Event(SESSION_CHANGED));
              return 'Two-factor sign-in is off';
            }}>
              <Field label="Code or recovery code" name="code" required size={22} />
            </Form>
          </div>
        </>
      ) : pending ? (
        <>
          <p>Add this account to your authenticator app (Google Authenticator, 1Password, Aegis…): open the link on your phone, or type the secret.</p>
          <Secret label="Secret" value={pending.secret} note="Shown once. It is stored sealed; no one can read it back." />
          <p><a href={pending.uri}>Open in the authenticator app</a></p>
          <Form submit="Turn on two-factor" onSubmit={async (d) => done(await post<RecoveryCodes>(`${base}/enable`, { code: d.code }))}>
            <Field label="The code the app shows" name="code" required size={10} />
          </Form>
        </>
      ) : (
        <Form submit="Set up two-factor" onSubmit={async (d) => setPending(await post<TwoFactorSecret>(`${base}/setup`, { password: d.password }))}>
          <Field label="Your password" name="password" type="password" required />
        </Form>
      )}
    </div>
  );
}
