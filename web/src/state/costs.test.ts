import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostRuleInput, Tariff } from '@ews/shared';
import { lang, loadLang, t } from '../i18n';
import {
  currentPrice, daysSummary, formatLocalMinute, formatPrice, listFieldErrors, moveRule, newRuleDraft, nextColor, normalizeCurrency,
  parsePrice, priceUnit, putRule, removeRule, ruleDraftOf, ruleFieldErrors, ruleInputOf, ruleSummary, tariffDraftErrors,
  tariffDraftOf, tariffInputOf, timeSummary, todayLocal, toggleDay, uncoveredSummary, validitySummary, weekdayOf, TARIFF_COLORS,
} from './costs';
import { parseHash } from './router';

const tariff = (id: string, color: string, prices: Tariff['prices'] = [{ price: 0.2 }]): Tariff => ({ id, type: 'electricity', name: id, color, prices });

test('costs routes', () => {
  assert.deepEqual(parseHash('#/system/costs'), { name: 'costs', type: 'electricity' });
  assert.deepEqual(parseHash('#/system/costs/gas'), { name: 'costs', type: 'gas' });
  assert.deepEqual(parseHash('#/system/costs/water'), { name: 'costs', type: 'water' });
  assert.deepEqual(parseHash('#/system/costs/heat'), { name: 'notFound' });
});

test('moving, replacing and removing rules keeps the others in order', () => {
  const list = ['a', 'b', 'c', 'd'];
  assert.deepEqual(moveRule(list, 2, -1), ['a', 'c', 'b', 'd']);
  assert.deepEqual(moveRule(list, 0, 1), ['b', 'a', 'c', 'd']);
  assert.deepEqual(moveRule(list, 3, -3), ['d', 'a', 'b', 'c']);
  // Out of range: unchanged (a copy).
  assert.deepEqual(moveRule(list, 0, -1), list);
  assert.deepEqual(moveRule(list, 3, 1), list);
  assert.deepEqual(moveRule(list, 7, -1), list);
  assert.notEqual(moveRule(list, 0, -1), list);
  assert.deepEqual(list, ['a', 'b', 'c', 'd'], 'the input is not changed');
  assert.deepEqual(putRule(list, 1, 'B'), ['a', 'B', 'c', 'd']);
  assert.deepEqual(putRule(list, 4, 'e'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(putRule([], 0, 'x'), ['x']);
  assert.deepEqual(removeRule(list, 0), ['b', 'c', 'd']);
  assert.deepEqual(removeRule(list, 9), list);
});

test('the rule editor builds the input the API takes', () => {
  const draft = newRuleDraft([tariff('t1', '#112233'), tariff('t2', '#445566')]);
  assert.deepEqual(ruleInputOf(draft), {
    tariffId: 't1', repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  });
  assert.equal(newRuleDraft([]).tariffId, '');
  // Empty dates are left out, days come Monday first, empty times fall back to the whole day.
  assert.deepEqual(ruleInputOf({ ...draft, from: ' 2020-12-25 ', to: '', repeatEveryYear: true, timeFrom: '', timeTo: '', days: ['sun', 'mon'] }), {
    tariffId: 't1', from: '2020-12-25', repeatEveryYear: true, timeFrom: '00:00', timeTo: '23:59', days: ['mon', 'sun'],
  });
  const rule: CostRuleInput = { tariffId: 't2', from: '2020-03-01', to: '2020-03-31', repeatEveryYear: false, timeFrom: '19:00', timeTo: '23:59', days: ['fri', 'mon'] };
  assert.deepEqual(ruleDraftOf(rule), { ...rule, days: ['mon', 'fri'] });
  assert.deepEqual(ruleInputOf(ruleDraftOf(rule)), { ...rule, days: ['mon', 'fri'] });
  // A rule with its defaults left out (as an older client might send it) opens as "always, all day, every day".
  assert.deepEqual(ruleDraftOf({ tariffId: 'x' }), {
    tariffId: 'x', from: '', to: '', repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  });
  assert.deepEqual(toggleDay(['mon', 'fri'], 'wed', true), ['mon', 'wed', 'fri']);
  assert.deepEqual(toggleDay(['mon', 'fri'], 'mon', false), ['fri']);
  assert.deepEqual(toggleDay(['mon'], 'mon', true), ['mon']);
});

test('field errors of a list answer go to their rule', () => {
  const fields = { '2.timeTo': ['a time HH:MM'], '2.days.0': ['bad day'], '2.days': ['a day is listed twice'], '0.from': ['x'], '': ['y'], '12.to': ['z'] };
  assert.deepEqual(ruleFieldErrors(fields, 2), { timeTo: ['a time HH:MM'], days: ['bad day', 'a day is listed twice'] });
  assert.deepEqual(ruleFieldErrors(fields, 1), {});
  assert.deepEqual(ruleFieldErrors(fields, 1 + 11), { to: ['z'] }, '12 is not 1');
  assert.deepEqual(listFieldErrors(fields).map((e) => [e.index, e.field]), [[null, ''], [0, 'from'], [2, 'timeTo'], [2, 'days'], [2, 'days'], [12, 'to']]);
});

test('rule summaries (the manual examples)', async () => {
  lang.value = 'en';
  const base = { tariffId: 't', repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59' } as const;
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
  assert.deepEqual(ruleSummary({ ...base, timeTo: '18:59', days: [...weekdays] }, t, 'en'), { validity: 'Always', time: '00:00–18:59', days: 'Mon–Fri' });
  assert.deepEqual(ruleSummary({ ...base, timeFrom: '19:00', days: [...weekdays] }, t, 'en'), { validity: 'Always', time: '19:00–23:59', days: 'Mon–Fri' });
  assert.deepEqual(ruleSummary({ ...base, from: '2020-12-25', to: '2020-12-25', repeatEveryYear: true }, t, 'en'), {
    validity: 'December 25, every year', time: 'All day', days: 'Every day',
  });
  assert.equal(validitySummary({ ...base, from: '2020-03-01', to: '2020-03-31' }, t, 'en'), '2020-03-01 → 2020-03-31');
  assert.equal(validitySummary({ ...base, from: '2020-03-01' }, t, 'en'), '2020-03-01');
  assert.equal(validitySummary({ ...base, from: '2020-12-24', to: '2021-01-01', repeatEveryYear: true }, t, 'en'), 'December 24 → January 1, every year');
  assert.equal(timeSummary('22:00', '05:59', t), '22:00–05:59 (over midnight)');
  assert.equal(timeSummary('00:00', '23:59', t), 'All day');
  assert.equal(daysSummary(['sat', 'sun'], t), 'Sat, Sun');
  assert.equal(daysSummary(['sun', 'mon', 'wed', 'thu', 'fri'], t), 'Mon, Wed–Fri, Sun');
  assert.equal(daysSummary([], t), 'No day');
  await loadLang('fr');
  lang.value = 'fr';
  assert.deepEqual(ruleSummary({ ...base, from: '2020-12-25', repeatEveryYear: true, days: ['sat', 'sun'] }, t, 'fr'), {
    validity: '25 décembre, chaque année', time: 'Toute la journée', days: 'sam., dim.',
  });
  assert.equal(daysSummary([...weekdays], t), 'lun.–ven.');
  lang.value = 'en';
});

test('uncovered periods name their days', () => {
  lang.value = 'en';
  assert.equal(weekdayOf('2026-11-21'), 'sat');
  assert.equal(weekdayOf('2024-02-29'), 'thu');
  assert.equal(weekdayOf('2026-11-23'), 'mon');
  assert.equal(uncoveredSummary({ from: '2026-11-21 00:00', to: '2026-11-22 23:59' }, t), 'Sat 2026-11-21 00:00 – Sun 2026-11-22 23:59');
  assert.equal(formatLocalMinute('garbage', t), 'garbage');
});

test('tariff editor: prices, dates and colours', () => {
  assert.equal(parsePrice('0,152'), 0.152);
  assert.equal(parsePrice(' 0.2 '), 0.2);
  assert.equal(parsePrice('.5'), 0.5);
  assert.equal(parsePrice('12'), 12);
  for (const bad of ['', 'abc', '1,2,3', '0.1.2', '1e', '€1']) assert.ok(Number.isNaN(parsePrice(bad)), bad);

  const others = [tariff('a', TARIFF_COLORS[0]), tariff('b', TARIFF_COLORS[1].toUpperCase())];
  const fresh = tariffDraftOf(undefined, others);
  assert.deepEqual(fresh, { name: '', color: TARIFF_COLORS[2], prices: [{ price: '', from: '' }] });
  assert.equal(nextColor([...TARIFF_COLORS]), TARIFF_COLORS[0]);

  const existing = tariff('c', '#AABBCC', [{ price: 0.15, from: '2024-01-01' }, { price: 0.18, from: '2025-01-01' }]);
  const d = tariffDraftOf(existing, others);
  assert.deepEqual(d, { name: 'c', color: '#AABBCC', prices: [{ price: '0.15', from: '2024-01-01' }, { price: '0.18', from: '2025-01-01' }] });
  assert.deepEqual(tariffInputOf('electricity', { ...d, name: '  Peak ' }), {
    type: 'electricity', name: 'Peak', color: '#aabbcc', prices: [{ price: 0.15, from: '2024-01-01' }, { price: 0.18, from: '2025-01-01' }],
  });
  // One price needs no date: an empty date is left out.
  assert.deepEqual(tariffInputOf('gas', { name: 'Gas', color: '#123456', prices: [{ price: '0,9', from: '' }] }).prices, [{ price: 0.9 }]);
  assert.deepEqual(tariffDraftErrors({ name: 'x', color: '#000000', prices: [{ price: '0.1', from: '' }, { price: 'x', from: '' }, { price: '', from: '' }] }, 'a number'), {
    'prices.1.price': ['a number'], 'prices.2.price': ['a number'],
  });
  assert.deepEqual(tariffDraftErrors(d, 'a number'), {});
});

test('current price, units and currency', () => {
  const x = { prices: [{ price: 0.18, from: '2025-01-01' }, { price: 0.15, from: '2024-01-01' }, { price: 0.2, from: '2027-01-01' }] };
  assert.deepEqual(currentPrice(x, '2026-06-01'), { now: { price: 0.18, from: '2025-01-01' }, next: { price: 0.2, from: '2027-01-01' } });
  assert.deepEqual(currentPrice(x, '2025-01-01').now, { price: 0.18, from: '2025-01-01' });
  assert.deepEqual(currentPrice(x, '2023-01-01'), { now: null, next: { price: 0.15, from: '2024-01-01' } });
  assert.deepEqual(currentPrice({ prices: [{ price: 1 }] }, '2020-01-01'), { now: { price: 1 }, next: null });
  assert.equal(priceUnit('electricity', 'EUR'), 'EUR/kWh');
  assert.equal(priceUnit('gas', 'GBP'), 'GBP/m³');
  assert.equal(priceUnit('water', 'CHF'), 'CHF/m³');
  assert.equal(formatPrice(0.1520, 'en'), '0.152');
  assert.equal(formatPrice(0.5, 'fr'), '0,50');
  assert.equal(formatPrice(0.1234567, 'en'), '0.123457');
  assert.deepEqual(normalizeCurrency(' eur '), { code: 'EUR', known: true });
  assert.deepEqual(normalizeCurrency('XAU'), { code: 'XAU', known: false });
  assert.deepEqual(normalizeCurrency('EURO'), { code: 'EURO', known: false });
  assert.equal(todayLocal(new Date(2026, 0, 5, 23, 30)), '2026-01-05');
});
