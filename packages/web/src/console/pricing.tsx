/** Pricing: the stored pricing rules (list, create, edit, delete) and the margins report (by supplier, product or day, as CSV too). */
import type { CreatePricingRule, MarginsReport, PricingRule, PricingRuleChanged, PricingRulesPage, Suppliers as SupplierList, UpdatePricingRule } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { api, get, post, put, query } from '../api.ts';
import { Can } from '../session.tsx';
import { Field, Form, Notice, PagedTable, useLoad, when } from '../ui.tsx';

const PAGE = 50;

const repriced = (n: number) => `${n} offer${n === 1 ? '' : 's'} repriced`;
const ROUNDINGS = ['cent', 'unit', 'ninety-nine'] as const;

/** A rule's terms from a form: fixed and rounding only when given (the hub's defaults: 0 and cent). */
function terms(d: Record<string, string>): UpdatePricingRule {
  return {
    marginPercent: d.margin ?? '',
    ...(d.fixed && { fixed: d.fixed }),
    ...(d.rounding && { rounding: d.rounding as NonNullable<UpdatePricingRule['rounding']> }),
  };
}

function scopeText(rule: PricingRule, suppliers: Map<number, string>): string {
  const supplier = rule.supplierId === null ? '' : (suppliers.get(rule.supplierId) ?? `supplier ${rule.supplierId}`);
  if (rule.scope === 'product') return `product ${rule.productId}`;
  return rule.scope === 'category' ? `${supplier}, category "${rule.category}"` : supplier;
}

export function PricingRules() {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<PricingRule | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const { data } = useLoad(() => get<SupplierList>('/console/v1/suppliers'), []);
  const suppliers = new Map((data?.suppliers ?? []).filter((s) => s.kind !== 'telegram_stars').map((s) => [s.id, s.name]));
  const changed = (result: PricingRuleChanged | { repriced: number }) => {
    setVersion((v) => v + 1);
    setEditing(null);
    return `Saved: ${repriced(result.repriced)}`;
  };
  const remove = (rule: PricingRule) => {
    if (!confirm(`Delete pricing rule ${rule.id}? Its offers follow the next most specific rule.`)) return;
    api<{ repriced: number }>('DELETE', `/console/v1/pricing-rules/${rule.id}`).then(() => { setFailure(null); setVersion((v) => v + 1); }, setFailure);
  };
  return (
    <section>
      <h1>Pricing rules</h1>
      <p class="muted">Offers imported from a supplier's catalog are priced from their cost by the most specific rule that holds them: the product's,
        else the supplier's rule for their category, else the supplier's. Changing a rule reprices its offers at once.</p>
      <Notice error={failure} />
      <PagedTable
        label="Pricing rules"
        first="First"
        deps={[version]}
        load={async (page = 1) => {
          const found = await get<PricingRulesPage>(`/console/v1/pricing-rules${query({ page, limit: PAGE })}`);
          return { rows: found.rules, next: page * PAGE < found.total ? page + 1 : null };
        }}
        empty="No pricing rules."
        columns={[
          ['Id', (r) => r.id], ['Scope', (r) => r.scope], ['Applies to', (r) => scopeText(r, suppliers)], ['Margin', (r) => `${r.marginPercent} %`],
          ['Fixed', (r) => r.fixed], ['Rounding', (r) => r.rounding], ['Changed', (r) => when(r.updatedAt)],
          ['', (r) => (
            <Can permission="catalog">
              <button onClick={() => setEditing(r)}>Edit rule {r.id}</button> <button onClick={() => remove(r)}>Delete rule {r.id}</button>
            </Can>
          )],
        ]}
      />
      <Can permission="catalog">
        {editing && (
          <>
            <h2>Edit rule {editing.id}: {scopeText(editing, suppliers)}</h2>
            <Form submit="Save rule" onSubmit={async (d) => changed(await put<PricingRuleChanged>(`/console/v1/pricing-rules/${editing.id}`, terms(d)))}>
              <RuleTerms rule={editing} />
            </Form>
          </>
        )}
        <h2>Add a rule</h2>
        <Form submit="Add rule" onSubmit={async (d) => {
          const scope: Pick<CreatePricingRule, 'supplierId' | 'category' | 'productId'> = d.scope === 'product'
            ? { productId: Number(d.productId) }
            : { supplierId: Number(d.supplierId), ...(d.scope === 'category' && { category: d.category ?? '' }) };
          return changed(await post<PricingRuleChanged>('/console/v1/pricing-rules', { ...scope, ...terms(d) }));
        }}>
          <label>Scope<select name="scope"><option value="supplier">supplier</option><option value="category">category of a supplier</option><option value="product">product</option></select></label>
          <label>Supplier<select name="supplierId">{[...suppliers].map(([id, name]) => <option value={id}>{name}</option>)}</select></label>
          <Field label="Category" name="category" placeholder="Gift Card" />
          <Field label="Product id" name="productId" size={8} />
          <RuleTerms />
        </Form>
      </Can>
    </section>
  );
}

/** Margin, fixed, rounding; an edited rule's labelled "New …", apart from the form that adds one. */
function RuleTerms(props: { rule?: PricingRule }) {
  const label = (word: string) => (props.rule ? `New ${word.toLowerCase()}` : word);
  return (
    <>
      <Field label={label('Margin %')} name="margin" value={props.rule?.marginPercent} placeholder="12" size={6} required />
      <Field label={label('Fixed')} name="fixed" value={props.rule?.fixed} placeholder="0.30" size={6} />
      <label>{label('Rounding')}<select name="rounding">{ROUNDINGS.map((r) => <option selected={props.rule?.rounding === r}>{r}</option>)}</select></label>
    </>
  );
}

type MarginsBy = 'supplier' | 'product' | 'day';

export function Margins() {
  const [filter, setFilter] = useState<{ by: MarginsBy; from: string; to: string }>({ by: 'supplier', from: '', to: '' });
  const { data, error } = useLoad(() => get<MarginsReport>(`/console/v1/reports/margins${query(filter)}`), [filter]);
  const { data: supplierList } = useLoad(() => get<SupplierList>('/console/v1/suppliers'), []);
  const names = new Map((supplierList?.suppliers ?? []).map((s) => [String(s.id), s.name]));
  const bySupplier = filter.by === 'supplier';
  const apply = (event: Event) => {
    event.preventDefault();
    const d = Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement).entries()) as Record<string, string>;
    setFilter({ by: (d.by ?? 'supplier') as MarginsBy, from: d.from ?? '', to: d.to ?? '' });
  };
  const heading = { supplier: 'Supplier', product: 'Product', day: 'Day (UTC)' }[filter.by];
  return (
    <section>
      <h1>Margins</h1>
      <p class="muted">Completed orders fulfilled by a supplier: what merchants were debited, what the supplier cost (USD at the day's rate), and the difference.
        Orders from own stock have no supplier cost and are not in it.</p>
      <form class="inline" onSubmit={apply} role="search">
        <label>Group by<select name="by">{(['supplier', 'product', 'day'] as const).map((b) => <option selected={filter.by === b}>{b}</option>)}</select></label>
        <label>From<input name="from" type="date" value={filter.from} /></label>
        <label>To<input name="to" type="date" value={filter.to} /></label>
        <button type="submit">Show</button>
        <a class="button" href={`/console/v1/reports/margins.csv${query(filter)}`} download>Download CSV</a>
      </form>
      <Notice error={error} />
      <table aria-label="Margins">
        <thead><tr><th>{heading}</th>{bySupplier && <th>Name</th>}<th>Orders</th><th>Revenue (USD)</th><th>Cost (USD)</th><th>Margin (USD)</th></tr></thead>
        <tbody>
          {data?.rows.map((r) => <tr><td>{r.key}</td>{bySupplier && <td>{names.get(r.key) ?? ''}</td>}<td>{r.orders}</td><td>{r.revenueUsd}</td><td>{r.costUsd}</td><td>{r.marginUsd}</td></tr>)}
          {data && data.rows.length === 0 && <tr><td colSpan={bySupplier ? 6 : 5} class="muted">No completed supplier orders in this range.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
