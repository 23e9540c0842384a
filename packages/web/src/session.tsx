/**
 * Who is signed in, for every page: the session as the hub answered it, with the permissions of
 * the person's role, so pages offer only what may be used (the hub refuses the rest anyway).
 */
import type { BackofficeSession } from '@dropgate/contract';
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Who = BackofficeSession;

export const SessionContext = createContext<Who | null>(null);

/** Sent when the session's permissions may have changed, so the app reads it again. */
export const SESSION_CHANGED = 'dropgate:session-changed';

/** Whether the signed-in role holds the permission (docs/operators.md). */
export function useCan(permission: string): boolean {
  return useContext(SessionContext)?.permissions.includes(permission) ?? false;
}

export function useWho(): Who | null {
  return useContext(SessionContext);
}

/** Its children only for a role that holds the permission. */
export function Can(props: { permission: string; children: ComponentChildren }) {
  return useCan(props.permission) ? <>{props.children}</> : null;
}
