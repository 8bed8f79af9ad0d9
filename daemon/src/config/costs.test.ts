import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCosts } from './document';
import { importAveragePrices, migrateCosts } from './costs';

test('COST-4: the older single-price scheme becomes one always-valid rule per type with a DEFAULT tariff', () => {
  const migrated = migrateCosts({ currency: 'GBP', gasKwhPerM3: 11, averagePrices: { electricity: 0.3, water: 4 } });
  assert.equal(migrated.settings.currency, 'GBP');
  assert.equal(migrated.settings.gasKwhPerM3, 11);
  assert.deepEqual(migrated.tariffs.map((t) => [t.type, t.name, t.prices]), [['electricity', 'DEFAULT', [{ price: 0.3 }]], ['water', 'DEFAULT', [{ price: 4 }]]]);
  assert.equal(migrated.rules.electricity.length, 1);
  const r = migrated.rules.electricity[0];
  assert.deepEqual([r.tariffId, r.from, r.to, r.timeFrom, r.timeTo, r.days.length], ['default-electricity', undefined, undefined, '00:00', '23:59', 7]);
  assert.deepEqual(migrated.rules.gas, [], 'no price, no rule');
  // a type that already has its own tariffs is left alone; an absent part gives the defaults
  const again = importAveragePrices(migrated, { electricity: 0.5 });
  assert.deepEqual(again.tariffs.find((t) => t.type === 'electricity')?.prices, [{ price: 0.3 }]);
  assert.deepEqual(migrateCosts(undefined), defaultCosts());
});
