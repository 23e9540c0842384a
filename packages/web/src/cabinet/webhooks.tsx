/** The cabinet's webhooks page: the merchant's own shops (docs/webhooks.md). */
import type { CabinetOverview } from '@dropgate/contract';
import { get } from '../api.ts';
import { useCan } from '../session.tsx';
import { Notice, useLoad } from '../ui.tsx';
import { WebhooksOfShops } from '../webhooks.tsx';

export function Webhooks() {
  const { data: overview, error } = useLoad(() => get<CabinetOverview>('/cabinet/v1/overview'), []);
  const mayChange = useCan('merchant.integration');
  if (!overview) return <Notice error={error} />;
  return (
    <section>
      <h1>Webhooks</h1>
      <p class="muted">Dropgate calls your URL when an order changes state, signed with the endpoint's secret (Dropgate-Signature).</p>
      <WebhooksOfShops base="/cabinet/v1" shops={overview.shops} mayChange={mayChange} />
    </section>
  );
}
