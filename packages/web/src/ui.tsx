/** The few building blocks every page uses: layout, links, tables with keyset paging, forms, notices. */
import type { OrderStatus } from '@dropgate/contract';
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { navigate } from './router.ts';

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  const go = (event: MouseEvent) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(props.href);
  };
  return <a href={props.href} onClick={go} class={props.class}>{props.children}</a>;
}

export function Layout(props: { title: string; nav: Array<[string, string]>; path: string; who: string; onSignOut: () => void; children: ComponentChildren }) {
  return (
    <div class="shell">
      <header>
        <strong class="brand">Dropgate</strong> <span class="surface">{props.title}</span>
        <nav>
          {props.nav.map(([href, label]) => (
            <Link href={href} class={props.path === href || (href.split('/').length > 2 && props.path.startsWith(`${href}/`)) ? 'active' : ''}>{label}</Link>
          ))}
        </nav>
        <span class="who">{props.who}</span>
        <button class="link" onClick={props.onSignOut}>Sign out</button>
      </header>
      <main>{props.children}</main>
    </div>
  );
}

export function Notice(props: { error?: unknown; ok?: string }) {
  if (props.error) {
    const e = props.error;
    const text = e instanceof ApiError ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e);
    return <p class="notice error" role="alert">{text}</p>;
  }
  return props.ok ? <p class="notice ok" role="status">{props.ok}</p> : null;
}

/** Loads on mount and whenever `deps` change; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((data) => live && setState({ data }), (error) => live && setState({ error }));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data: state.data, error: state.error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/**
 * For buttons that change something and then show the list again: `act(work)` runs it, reloads,
 * and keeps the failure (if any) for a Notice.
 */
export function useAct(reload: () => void): { failure: unknown; act: (work: () => Promise<unknown>) => void } {
  const [failure, setFailure] = useState<unknown>(null);
  const act = (work: () => Promise<unknown>) => void work().then(() => { setFailure(null); reload(); }, setFailure);
  return { failure, act };
}

/**
 * A table over a keyset-paginated list: the hub answers a page and the cursor of the next one
 * (`next`: the orders' nextBefore, the products' nextAfter); "Next" asks for that page, the first
 * button goes back to the top. No page numbers: they would cost a count.
 */
export function PagedTable<Row>(props: {
  load: (cursor: number | undefined) => Promise<{ rows: Row[]; next: number | null }>;
  deps: unknown[];
  columns: Array<[string, (row: Row) => ComponentChildren]>;
  empty: string;
  label: string;
  /** The first page's button: "Newest" (the default) for lists newest first, "First" for lists in id order. */
  first?: string;
}) {
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  useEffect(() => setCursors([undefined]), props.deps);
  const cursor = cursors.at(-1);
  const { data, error } = useLoad(() => props.load(cursor), [...props.deps, cursor]);
  return (
    <div>
      <Notice error={error} />
      <table aria-label={props.label}>
        <thead><tr>{props.columns.map(([name]) => <th>{name}</th>)}</tr></thead>
        <tbody>
          {data?.rows.map((row) => <tr>{props.columns.map(([, cell]) => <td>{cell(row)}</td>)}</tr>)}
          {data && data.rows.length === 0 && <tr><td colSpan={props.columns.length} class="muted">{props.empty}</td></tr>}
        </tbody>
      </table>
      <div class="pager">
        <button disabled={cursors.length === 1} onClick={() => setCursors([undefined])}>{props.first ?? 'Newest'}</button>
        <button disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
        <button disabled={!data?.next} onClick={() => data?.next && setCursors([...cursors, data.next])}>Next</button>
      </div>
    </div>
  );
}

/** A form that runs `action` and shows what it answered or why it failed. */
export function Form(props: { onSubmit: (data: Record<string, string>) => Promise<string | void>; submit: string; children: ComponentChildren; class?: string }) {
  const [state, setState] = useState<{ busy?: boolean; error?: unknown; ok?: string }>({});
  const submit = async (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
    setState({ busy: true });
    try {
      const ok = await props.onSubmit(data);
      setState({ ok: ok || undefined });
    } catch (error) {
      setState({ error });
    }
  };
  return (
    <form onSubmit={submit} class={props.class ?? 'inline'}>
      {props.children}
      <button type="submit" disabled={state.busy}>{props.submit}</button>
      <Notice error={state.error} ok={state.ok} />
    </form>
  );
}

export function Field(props: { label: string; name: string; type?: string; value?: string; required?: boolean; placeholder?: string; size?: number }) {
  return (
    <label>
      {props.label}
      <input name={props.name} type={props.type ?? 'text'} value={props.value} required={props.required} placeholder={props.placeholder} size={props.size} />
    </label>
  );
}

/** A secret shown once (a new token, a first password), with a copy button. */
export function Secret(props: { label: string; value: string; note?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <span>{props.label}</span>
      <code data-testid="secret">{props.value}</code>
      <button type="button" onClick={() => navigator.clipboard?.writeText(props.value).then(() => setCopied(true))}>{copied ? 'Copied' : 'Copy'}</button>
      <small>{props.note ?? 'Shown once: copy it now.'}</small>
    </div>
  );
}

export function Stat(props: { label: string; value: ComponentChildren; tone?: 'warn' }) {
  return <div class={`stat ${props.tone ?? ''}`}><span>{props.label}</span><strong>{props.value}</strong></div>;
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');
export const usd = (amount: string) => `$${amount}`;

export function Status(props: { status: string }) {
  return <span class={`badge ${props.status.toLowerCase()}`}>{props.status}</span>;
}

const STATUS_CHOICES: ('' | OrderStatus)[] = ['', 'SUBMITTED', 'PROCESSING', 'COMPLETED', 'CANCELED', 'REFUND'];

/** The order-status filter of an orders list; '' is any status. */
export function StatusSelect(props: { value?: string }) {
  return <label>Status<select name="status" value={props.value}>{STATUS_CHOICES.map((s) => <option value={s}>{s || 'any'}</option>)}</select></label>;
}

/** One search box: `onSearch` gets what was typed, trimmed, when the form is sent. */
export function SearchBox(props: { label: string; value: string; onSearch: (text: string) => void; placeholder?: string }) {
  return (
    <form class="inline" role="search" onSubmit={(e) => { e.preventDefault(); props.onSearch(String(new FormData(e.currentTarget).get('q') ?? '').trim()); }}>
      <label>{props.label}<input name="q" value={props.value} size={30} placeholder={props.placeholder} /></label>
      <button type="submit">Search</button>
    </form>
  );
}
