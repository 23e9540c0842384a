/** The owner's pages: operator accounts and roles, the two-factor requirement, and API keys. */
import type { ApiKeys, ApiKeyWithToken, OperatorUsers, OperatorUserWithPassword, TwoFactorPolicy } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, patch, post, put } from '../api.ts';
import { useWho } from '../session.tsx';
import { Field, Form, Notice, Secret, useAct, useLoad, when } from '../ui.tsx';

export const OPERATOR_ROLES = ['owner', 'admin', 'finance', 'support', 'viewer'];

function RoleSelect(props: { name?: string; value?: string; onChange?: (role: string) => void; label?: string }) {
  const select = (
    <select name={props.name ?? 'role'} value={props.value} onChange={props.onChange && ((e) => props.onChange!(e.currentTarget.value))} aria-label={props.label ?? 'Role'}>
      {OPERATOR_ROLES.map((r) => <option>{r}</option>)}
    </select>
  );
  return props.label ? select : <label>Role{select}</label>;
}

export function Team() {
  const me = useWho();
  const { data, error, reload } = useLoad(() => get<OperatorUsers>('/console/v1/operators'), []);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const { failure, act } = useAct(reload);
  return (
    <section>
      <h1>Team</h1>
      <p class="muted">Who runs this hub, and what each role may do (docs/operators.md). Only owners see this page.</p>
      {secret && <Secret label={secret.label} value={secret.value} note="Shown once: hand it over yourself; the hub sends no email." />}
      <Notice error={error ?? failure} />
      <table aria-label="Operators">
        <thead><tr><th>Email</th><th>Role</th><th>Two-factor</th><th>Status</th><th>Invited by</th><th>Since</th><th /></tr></thead>
        <tbody>
          {data?.operators.map((o) => {
            const self = me?.email === o.email;
            return (
              <tr>
                <td>{o.email}</td>
                <td>{self ? o.role : <RoleSelect value={o.role} label={`Role of ${o.email}`} onChange={(role) => act(() => patch(`/console/v1/operators/${o.id}`, { role }))} />}</td>
                <td>{o.twoFactor ? 'on' : 'off'}</td>
                <td>{o.disabled ? <span class="badge canceled">disabled</span> : 'active'}</td>
                <td>{o.invitedBy}</td>
                <td>{when(o.createdAt)}</td>
                <td>{!self && <>
                  <button onClick={() => act(() => patch(`/console/v1/operators/${o.id}`, { disabled: !o.disabled }))}>{o.disabled ? 'Enable' : 'Disable'}</button>{' '}
                  <button onClick={() => confirm(`Reset the password of ${o.email}? They are signed out everywhere.`)
                    && act(async () => setSecret({ label: `New password for ${o.email}`, value: (await post<OperatorUserWithPassword>(`/console/v1/operators/${o.id}/reset-password`)).password }))}>Reset password</button>{' '}
                  {o.twoFactor && <button onClick={() => confirm(`Turn off two-factor for ${o.email} (a lost device)?`) && act(() => post(`/console/v1/operators/${o.id}/reset-two-factor`))}>Reset two-factor</button>}
                </>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Invite an operator</h2>
      <Form submit="Invite" onSubmit={async (d) => {
        const invited = await post<OperatorUserWithPassword>('/console/v1/operators', { email: d.email, role: d.role });
        setSecret({ label: `First password for ${invited.email}`, value: invited.password });
        reload();
      }}>
        <Field label="Email" name="email" type="email" required />
        <RoleSelect />
      </Form>
      <h2>Two-factor sign-in</h2>
      {data && (
        <label class="check">
          <input type="checkbox" checked={data.requireTwoFactor} onChange={(e) => act(() => put<TwoFactorPolicy>('/console/v1/two-factor-policy', { requireTwoFactor: e.currentTarget.checked }))} />
          Require two-factor sign-in of every operator (API keys and the operator token are not affected)
        </label>
      )}
    </section>
  );
}

export function ApiKeysPage() {
  const { data, error, reload } = useLoad(() => get<ApiKeys>('/console/v1/api-keys'), []);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const { failure, act } = useAct(reload);
  return (
    <section>
      <h1>API keys</h1>
      <p class="muted">For scripts and the CLI (DROPGATE_API_KEY): each key has a role, and is shown once, when it is made or rotated.</p>
      {shown && <Secret label={`Key ${shown.name}`} value={shown.token} />}
      <Notice error={error ?? failure} />
      <table aria-label="API keys">
        <thead><tr><th>Name</th><th>Role</th><th>Made by</th><th>Rotated</th><th>Last used</th><th>From</th><th /></tr></thead>
        <tbody>
          {data?.keys.map((k) => (
            <tr>
              <td>{k.name}</td><td>{k.role}</td><td>{k.createdBy}</td><td>{when(k.rotatedAt)}</td><td>{when(k.lastUsedAt) || 'never'}</td><td>{k.lastUsedIp ?? ''}</td>
              <td>{k.revokedAt ? <span class="badge canceled">revoked {when(k.revokedAt)}</span> : <>
                <button onClick={() => confirm(`Rotate ${k.name}? The current key stops working at once.`)
                  && act(async () => setShown({ name: k.name, token: (await post<ApiKeyWithToken>(`/console/v1/api-keys/${k.id}/rotate`)).token }))}>Rotate</button>{' '}
                <button onClick={() => confirm(`Revoke ${k.name} for good?`) && act(() => post(`/console/v1/api-keys/${k.id}/revoke`))}>Revoke</button>
              </>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New key</h2>
      <Form submit="Create key" onSubmit={async (d) => {
        const made = await post<ApiKeyWithToken>('/console/v1/api-keys', { name: d.name, role: d.role });
        setShown({ name: made.name, token: made.token });
        reload();
      }}>
        <Field label="Name" name="name" required placeholder="deploy-bot" />
        <RoleSelect />
      </Form>
    </section>
  );
}
