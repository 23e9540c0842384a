import { id, text, UsageError, type Command } from '../command.ts';
import { table } from '../output.ts';

const OPERATOR_COLUMNS = ['id', 'email', 'role', 'twoFactor', 'disabled', 'invitedBy', 'createdAt'];
const KEY_COLUMNS = ['id', 'name', 'role', 'createdBy', 'lastUsedAt', 'lastUsedIp', 'revokedAt'];

/** The operator team (owners only): accounts and roles, the two-factor rule, API keys. Secrets print once. */
export const teamCommands: Command[] = [
  {
    name: 'operator invite',
    summary: 'An operator account with a role; prints the first password, which is never shown again',
    options: {
      email: { type: 'string', description: 'Their email (the sign-in name)', required: true },
      role: { type: 'string', description: 'owner, admin, finance, support or viewer', required: true },
    },
    run: ({ values, api }) => api.post('/operators', { email: text(values, 'email'), role: text(values, 'role') }),
  },
  {
    name: 'operator list',
    summary: 'Operator accounts, and whether two-factor is required of them',
    run: ({ api }) => api.get('/operators'),
    human: (r) => `${table(r.operators, OPERATOR_COLUMNS)}\ntwo-factor required: ${r.requireTwoFactor ? 'yes' : 'no'}`,
  },
  {
    name: 'operator update',
    summary: "Changes an operator's role, or disables (signs out everywhere) or enables the account",
    args: ['ID'],
    options: {
      role: { type: 'string', description: 'owner, admin, finance, support or viewer' },
      disable: { type: 'boolean', description: 'Disable the account' },
      enable: { type: 'boolean', description: 'Enable it again' },
    },
    run: ({ args, values, api }) => {
      if (values.disable && values.enable) throw new UsageError('--disable or --enable, not both');
      const change = {
        ...(typeof values.role === 'string' && { role: values.role }),
        ...(values.disable && { disabled: true }),
        ...(values.enable && { disabled: false }),
      };
      if (Object.keys(change).length === 0) throw new UsageError('give --role, --disable or --enable');
      return api.patch(`/operators/${id(args[0], 'ID')}`, change);
    },
  },
  {
    name: 'operator reset-password',
    summary: 'A new generated password for the operator (printed once); they are signed out everywhere',
    args: ['ID'],
    run: ({ args, api }) => api.post(`/operators/${id(args[0], 'ID')}/reset-password`),
  },
  {
    name: 'operator reset-2fa',
    summary: "Turns the operator's two-factor sign-in off (a lost device); they are signed out everywhere",
    args: ['ID'],
    run: ({ args, api }) => api.post(`/operators/${id(args[0], 'ID')}/reset-two-factor`),
  },
  {
    name: 'operator require-2fa',
    summary: 'on: every operator user must sign in with two-factor; off: it is up to each',
    args: ['on|off'],
    run: ({ args, api }) => {
      if (args[0] !== 'on' && args[0] !== 'off') throw new UsageError('on or off');
      return api.put('/two-factor-policy', { requireTwoFactor: args[0] === 'on' });
    },
  },
  {
    name: 'api-key create',
    summary: 'An API key with a role; prints the key (dgk_...), which is never shown again',
    options: {
      name: { type: 'string', description: 'A unique name (the audit trail says key:<name>)', required: true },
      role: { type: 'string', description: 'owner, admin, finance, support or viewer', required: true },
    },
    run: ({ values, api }) => api.post('/api-keys', { name: text(values, 'name'), role: text(values, 'role') }),
  },
  {
    name: 'api-key list',
    summary: 'API keys (never the keys) with their last use',
    run: ({ api }) => api.get('/api-keys'),
    human: (r) => table(r.keys, KEY_COLUMNS),
  },
  {
    name: 'api-key rotate',
    summary: 'A new key for the same name and role (printed once); the old one stops at once',
    args: ['ID'],
    run: ({ args, api }) => api.post(`/api-keys/${id(args[0], 'ID')}/rotate`),
  },
  {
    name: 'api-key revoke',
    summary: 'Revokes the key for good',
    args: ['ID'],
    run: ({ args, api }) => api.post(`/api-keys/${id(args[0], 'ID')}/revoke`),
  },
];
