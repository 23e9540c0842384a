/** The merchant's own staff, for its owners: invite with a role (first password shown once), change roles, remove. */
import type { MerchantUsers, MerchantUserWithPassword } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { api, get, post, put } from '../api.ts';
import { useWho } from '../session.tsx';
import { Field, Form, Notice, Secret, useAct, useLoad, when } from '../ui.tsx';

const ROLES: Array<[string, string]> = [['owner', 'everything, staff included'], ['developer', 'tokens, webhooks, keys'], ['accountant', 'balance, transactions, exports']];

export function Staff() {
  const me = useWho();
  const { data, error, reload } = useLoad(() => get<MerchantUsers>('/cabinet/v1/users'), []);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const { failure, act } = useAct(reload);
  return (
    <section>
      <h1>Staff</h1>
      <p class="muted">{ROLES.map(([role, what]) => `${role}: ${what}`).join(' · ')}</p>
      {secret && <Secret label={secret.label} value={secret.value} note="Shown once: hand it over yourself." />}
      <Notice error={error ?? failure} />
      <table aria-label="Staff">
        <thead><tr><th>Email</th><th>Role</th><th>Two-factor</th><th>Since</th><th /></tr></thead>
        <tbody>
          {data?.users.map((u) => {
            const self = u.email === me?.email;
            return (
              <tr>
                <td>{u.email}</td>
                <td>{self ? u.role : (
                  <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => act(() => put(`/cabinet/v1/users/${u.id}/role`, { role: e.currentTarget.value }))}>
                    {ROLES.map(([role]) => <option>{role}</option>)}
                  </select>
                )}</td>
                <td>{u.twoFactor ? 'on' : 'off'}</td>
                <td>{when(u.createdAt)}</td>
                <td>{!self && <button onClick={() => confirm(`Remove ${u.email}? Their sign-in ends at once.`) && act(() => api('DELETE', `/cabinet/v1/users/${u.id}`))}>Remove</button>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Invite someone</h2>
      <Form submit="Invite" onSubmit={async (d) => {
        const user = await post<MerchantUserWithPassword>('/cabinet/v1/users', { email: d.email, role: d.role });
        setSecret({ label: `First password for ${user.email}`, value: user.password });
        reload();
      }}>
        <Field label="Email" name="email" type="email" required />
        <label>Role<select name="role" aria-label="Role">{ROLES.map(([role]) => <option>{role}</option>)}</select></label>
      </Form>
    </section>
  );
}
