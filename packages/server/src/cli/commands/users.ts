import { id, text, type Command } from '../command.ts';
import { table } from '../output.ts';

/** Merchant cabinet users: the password appears once, in the answer that made it. */
export const userCommands: Command[] = [
  {
    name: 'user create',
    summary: 'A merchant cabinet user; prints the first password, which is never shown again',
    options: {
      merchant: { type: 'string', description: 'Merchant id', required: true },
      email: { type: 'string', description: 'Their email (the sign-in name)', required: true },
      role: { type: 'string', description: 'owner (default), developer or accountant' },
    },
    run: ({ values, api }) => api.post(`/merchants/${id(values.merchant, '--merchant')}/users`, {
      email: text(values, 'email'), ...(typeof values.role === 'string' && { role: values.role }),
    }),
  },
  {
    name: 'user list',
    summary: "A merchant's cabinet users",
    options: { merchant: { type: 'string', description: 'Merchant id', required: true } },
    run: ({ values, api }) => api.get(`/merchants/${id(values.merchant, '--merchant')}/users`),
    human: (r) => table(r.users, ['id', 'email', 'role', 'twoFactor', 'passwordSetAt', 'createdAt']),
  },
  {
    name: 'user reset-password',
    summary: 'A new generated password for the user (printed once); they are signed out everywhere',
    args: ['ID'],
    run: ({ args, api }) => api.post(`/users/${id(args[0], 'ID')}/reset-password`),
  },
  {
    name: 'user reset-2fa',
    summary: "Turns the user's two-factor sign-in off (a lost device); they are signed out everywhere",
    args: ['ID'],
    run: ({ args, api }) => api.post(`/users/${id(args[0], 'ID')}/reset-two-factor`),
  },
];
