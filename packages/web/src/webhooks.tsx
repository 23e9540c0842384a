/**
 * Shops' webhooks (docs/webhooks.md), for the cabinet (a merchant's own shops) and the console
 * (any merchant's): endpoints with their secret shown once, a test event, a rotation, turning one
 * off and on, and the delivery log with redelivery. `base` is the API the page speaks to.
 */
import type { CreatedWebhook, WebhookDeliveries, WebhookEndpoints, WebhookEventType, WebhookQueued, WebhookSecret } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, patch, post } from './api.ts';
import { Field, Form, Notice, Secret, useAct, useLoad, when } from './ui.tsx';

// The contract's list, restated: importing the value would put the whole contract into the bundle.
const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['order.processing', 'order.completed', 'order.canceled', 'order.refunded', 'balance.low'];

type Base = '/cabinet/v1' | '/console/v1';

/** A shop picker, and the picked shop's endpoints. */
export function WebhooksOfShops(props: { base: Base; shops: Array<{ id: number; name: string }>; mayChange: boolean }) {
  const [shopId, setShopId] = useState<number | null>(null);
  const shop = shopId ?? props.shops[0]?.id ?? null;
  return (
    <>
      <label>Shop<select aria-label="Shop" value={shop ?? ''} onChange={(e) => setShopId(Number(e.currentTarget.value))}>
        {props.shops.map((s) => <option value={s.id}>{s.name}</option>)}
      </select></label>
      {shop !== null && <ShopWebhooks base={props.base} shopId={shop} mayChange={props.mayChange} />}
    </>
  );
}

function ShopWebhooks(props: { base: Base; shopId: number; mayChange: boolean }) {
  const { data, error, reload } = useLoad(() => get<WebhookEndpoints>(`${base}/shops/${props.shopId}/webhooks`), [props.shopId]);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [logOf, setLogOf] = useState<number | null>(null);
  const { failure, act } = useAct(reload);
  const { base, mayChange } = props;
  return (
    <>
      {secret && <Secret label={secret.label} value={secret.value} />}
      <Notice error={error ?? failure} />
      <table aria-label="Webhook endpoints">
        <thead><tr><th>URL</th><th>Events</th><th>Status</th><th /></tr></thead>
        <tbody>
          {data?.webhooks.map((w) => (
            <tr>
              <td>{w.url}</td><td>{w.events.join(', ')}</td><td>{w.status}{w.disabledReason ? ` (${w.disabledReason})` : ''}</td>
              <td>
                <button onClick={() => setLogOf(w.id)}>Deliveries</button>
                {mayChange && <>
                  <button onClick={() => act(() => post<WebhookQueued>(`${base}/webhooks/${w.id}/test`).then(() => setLogOf(w.id)))}>Send test event</button>
                  <button onClick={() => confirm('Make a new secret? The old one keeps signing for 24 hours.') && act(async () => {
                    const r = await post<WebhookSecret>(`${base}/webhooks/${w.id}/rotate-secret`);
                    setSecret({ label: `New secret of ${w.url}`, value: r.secret });
                  })}>Rotate secret</button>
                  <button onClick={() => act(() => patch(`${base}/webhooks/${w.id}`, { enabled: w.status !== 'ACTIVE' }))}>{w.status === 'ACTIVE' ? 'Turn off' : 'Turn on'}</button>
                </>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayChange && <>
        <h2>Add an endpoint</h2>
        <Form submit="Add endpoint" onSubmit={async (d) => {
          const made = await post<CreatedWebhook>(`${base}/shops/${props.shopId}/webhooks`, {
            url: d.url, events: WEBHOOK_EVENT_TYPES.filter((type) => d[type] === 'on'),
            ...(d.includeKeys === 'on' && { includeKeys: true }),
            ...(d.threshold && { balanceLowThreshold: d.threshold }),
          });
          setSecret({ label: `Secret of ${made.webhook.url}`, value: made.secret });
          reload();
        }}>
          <Field label="URL" name="url" type="url" required size={40} placeholder="https://example.com/dropgate" />
          {WEBHOOK_EVENT_TYPES.map((type) => <label><input type="checkbox" name={type} checked={type !== 'balance.low'} />{type}</label>)}
          <Field label="balance.low below (USD)" name="threshold" size={8} />
          <label><input type="checkbox" name="includeKeys" />Include keys</label>
        </Form>
      </>}
      {logOf !== null && <DeliveryLog base={base} webhookId={logOf} mayRedeliver={mayChange} />}
    </>
  );
}

function DeliveryLog(props: { base: Base; webhookId: number; mayRedeliver: boolean }) {
  const { base } = props;
  const { data, error, reload } = useLoad(() => get<WebhookDeliveries>(`${base}/webhooks/${props.webhookId}/deliveries`), [props.webhookId]);
  const { failure, act } = useAct(reload);
  return (
    <>
      <h2>Deliveries <button onClick={reload}>Refresh</button></h2>
      <Notice error={error ?? failure} />
      <table aria-label="Deliveries">
        <thead><tr><th>Event</th><th>Order</th><th>Status</th><th>Attempts</th><th>Response</th><th>Latency</th><th>Error</th><th>When</th><th /></tr></thead>
        <tbody>
          {data?.deliveries.map((d) => (
            <tr>
              <td>{d.type}</td><td>{d.orderId ?? ''}{d.sequence ? ` #${d.sequence}` : ''}</td><td>{d.status}</td><td>{d.attempts}</td>
              <td>{d.lastResponseCode ?? ''}</td><td>{d.lastLatencyMs === null ? '' : `${d.lastLatencyMs} ms`}</td><td>{d.lastError ?? ''}</td>
              <td>{when(d.deliveredAt ?? d.createdAt)}</td>
              <td>{props.mayRedeliver && <button onClick={() => act(() => post(`${base}/webhook-deliveries/${d.id}/redeliver`))}>Redeliver</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
