import type { CabinetOverview, ShopToken } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { Notice, Secret, useLoad } from '../ui.tsx';

/** curl examples of the Partner API with this merchant's own token and this hub's address filled in. */
export function QuickStart(props: { token: { shopId: number; token: string } | null; onToken: (t: { shopId: number; token: string }) => void }) {
  const { data } = useLoad(() => get<CabinetOverview>('/cabinet/v1/overview'), []);
  const [failure, setFailure] = useState<unknown>(null);
  const base = location.origin;
  const token = props.token?.token ?? '<your shop token>';
  const examples: Array<[string, string]> = [
    ['Balance', `curl -s ${base}/api/v1/balance -H "Authorization: ${token}"`],
    ['An offer and its price', `curl -s ${base}/api/v1/offers/find-one -H "Authorization: ${token}" -H 'Content-Type: application/json' -d '{"offerId":999}'`],
    ['Buy (the sandbox offer 999: a test key, no debit)', `curl -s ${base}/api/v1/offers/create-order -H "Authorization: ${token}" -H 'Content-Type: application/json' \\\n  -d '{"offerId":999,"price":23.09,"transactionId":"my-order-1","customer":{"email":"buyer@example.com","gameUserId":"123456789"}}'`],
    ['Order status, by your transactionId', `curl -s ${base}/api/v1/offers/order-status -H "Authorization: ${token}" -H 'Content-Type: application/json' -d '{"transactionId":"my-order-1"}'`],
    ['Your ledger', `curl -s "${base}/api/v1/balance/transactions?page=1&limit=20" -H "Authorization: ${token}"`],
  ];
  return (
    <section>
      <h1>API quick-start</h1>
      <p>The Partner API v1 (GamesDrop-compatible) at <code>{base}/api/v1</code>; the token goes raw in <code>Authorization</code>. Full reference: <a href="/docs">/docs</a>.</p>
      {props.token ? <Secret label={`Token of shop ${props.token.shopId}`} value={props.token.token} note="Filled in below; it is not stored anywhere in your browser." /> : (
        <div class="notice">
          Tokens are shown only when made. Make a new one to fill it in below (the current one stops working):
          {data?.shops.map((s) => (
            <button onClick={() => {
              if (!confirm(`Make a new token for ${s.name}? The current token stops working at once.`)) return;
              post<ShopToken>(`/cabinet/v1/shops/${s.id}/rotate-token`).then((r) => props.onToken({ shopId: s.id, token: r.token }), setFailure);
            }}>New token for {s.name}</button>
          ))}
        </div>
      )}
      <Notice error={failure} />
      {examples.map(([title, command]) => (
        <div class="example"><h2>{title}</h2><pre>{command}</pre></div>
      ))}
    </section>
  );
}
