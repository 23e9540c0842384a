/** The order state table (modules/orders): every transition and its money effect, final states, IN_FLIGHT. */
import { ORDER_STATUSES } from '@dropgate/contract';
import { describe, expect, it } from 'vitest';
import { assertStateMachine, findTransition, IN_FLIGHT, releasesHold, TRANSITIONS } from '../../src/modules/orders/index.ts';

describe('the order state table', () => {
  it('is exactly the transitions of the design, each with its money effect', () => {
    expect(TRANSITIONS).toEqual([
      { from: 'SUBMITTED', to: 'PROCESSING', money: 'none' },
      { from: 'SUBMITTED', to: 'COMPLETED', money: 'settle' },
      { from: 'SUBMITTED', to: 'CANCELED', money: 'refused' },
      { from: 'PROCESSING', to: 'COMPLETED', money: 'settle' },
      { from: 'PROCESSING', to: 'CANCELED', money: 'refund' },
      { from: 'COMPLETED', to: 'REFUND', money: 'refund' },
    ]);
    expect([...ORDER_STATUSES].sort()).toEqual(['CANCELED', 'COMPLETED', 'PROCESSING', 'REFUND', 'SUBMITTED']);
  });

  it('finds every pair in the table and no other', () => {
    const allowed = new Set(TRANSITIONS.map((t) => `${t.from}>${t.to}`));
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const found = findTransition(from, to);
        if (allowed.has(`${from}>${to}`)) expect(found, `${from} -> ${to}`).toMatchObject({ from, to });
        else expect(found, `${from} -> ${to}`).toBeUndefined();
      }
    }
    expect(findTransition('PROCESSING', 'SUBMITTED')).toBeUndefined();
    expect(findTransition('COMPLETED', 'CANCELED')).toBeUndefined();
    expect(findTransition('PROCESSING', 'PROCESSING')).toBeUndefined();
  });

  it('leaves CANCELED and REFUND final, and COMPLETED only to REFUND', () => {
    for (const final of ['CANCELED', 'REFUND'] as const) {
      for (const to of ORDER_STATUSES) expect(findTransition(final, to), `${final} -> ${to}`).toBeUndefined();
    }
    expect(ORDER_STATUSES.filter((to) => findTransition('COMPLETED', to))).toEqual(['REFUND']);
  });

  it('holds the amount exactly while SUBMITTED or PROCESSING', () => {
    expect(IN_FLIGHT).toEqual(['SUBMITTED', 'PROCESSING']);
    for (const t of TRANSITIONS) expect(t.money === 'none', `${t.from} -> ${t.to}`).toBe(IN_FLIGHT.includes(t.to));
  });

  it("takes the amount off the account's hold exactly when a held order settles or is refunded", () => {
    expect(TRANSITIONS.filter(releasesHold).map((t) => `${t.from}>${t.to}`)).toEqual([
      'SUBMITTED>COMPLETED', 'PROCESSING>COMPLETED', 'PROCESSING>CANCELED',
    ]);
    // So held changes by the order's amount exactly when the order enters or leaves flight (a
    // refused order debited, and held, nothing).
    for (const t of TRANSITIONS) {
      if (t.money === 'refused') continue;
      expect(releasesHold(t), `${t.from} -> ${t.to}`).toBe(IN_FLIGHT.includes(t.from) && !IN_FLIGHT.includes(t.to));
    }
  });

  it('passes the check the hub runs at boot', () => {
    expect(() => assertStateMachine()).not.toThrow();
  });
});
