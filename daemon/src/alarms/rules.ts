/**
 * @module alarms/rules
 * Alert rules (NOTE-4): which events of the alarm log send an e-mail (to whom, with which
 * subject) and a Telegram message. Kept in the notifications database; the e-mail settings'
 * older recipients and event types become the first rule, once (`migrateAlertSettings`).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'lmdb';
import { alertRuleInputSchema, type Alarm, type AlarmType, type AlertEvent, type AlertRule, type AlertRuleInput } from '@ews/shared';

export class AlertRuleError extends Error {
  constructor(readonly code: 'not-found' | 'limit', message: string, readonly field?: string) { super(message); }
}

const RULES_KEY = 'alert-rules';
const MAX_RULES = 50;

/** The alarm types an event raises, and those of its recovery. */
const RAISES: Record<AlertEvent, { on: AlarmType[]; recovery: AlarmType[] }> = {
  'state-change': { on: ['state-change'], recovery: [] },
  threshold: { on: ['threshold-exceeded'], recovery: ['threshold-restored'] },
  'configuration-error': { on: ['configuration-error'], recovery: [] },
  'communication-error': { on: ['communication-error'], recovery: ['communication-restored'] },
  'fail-safe': { on: ['fail-safe'], recovery: ['fail-safe-end'] },
  'configuration-change': { on: ['configuration-change'], recovery: [] },
  'box-started': { on: ['box-started'], recovery: [] },
};

/** Does the rule send something for this event of the log? (Devices' "exclude alerts" is checked by the caller.) */
export function ruleMatches(rule: AlertRule, a: Alarm): boolean {
  if (!rule.enabled) return false;
  const types = rule.events.flatMap((e) => [...RAISES[e].on, ...(rule.recovery ? RAISES[e].recovery : [])]);
  if (!types.includes(a.type)) return false;
  if (a.type === 'threshold-exceeded' || a.type === 'threshold-restored') return a.ruleId === rule.id;
  if (rule.deviceIds.length > 0 && (a.deviceId === undefined || !rule.deviceIds.includes(a.deviceId))) return false;
  return true;
}

/**
 * Forward-only migration of the stored notification settings: before alert rules, the e-mail
 * settings held `alertRecipients` and `alertTypes`; they become the rule "E-mail alerts" and
 * leave the e-mail settings. Runs once (the rules key then exists), in one transaction.
 */
export function migrateAlertSettings(db: Database<unknown, string>): void {
  if (db.get(RULES_KEY) !== undefined) return;
  const email = db.get('email') as (Record<string, unknown> & { alertRecipients?: string; alertTypes?: AlarmType[] }) | undefined;
  const rules: AlertRule[] = [];
  if (email?.alertRecipients) {
    const types = new Set(email.alertTypes ?? []);
    const events = (Object.keys(RAISES) as AlertEvent[]).filter((e) => e !== 'threshold' && [...RAISES[e].on, ...RAISES[e].recovery].some((t) => types.has(t)));
    if (events.length) {
      rules.push({
        id: 'default', name: 'E-mail alerts', enabled: true, events,
        recovery: types.has('communication-restored') || types.has('fail-safe-end'),
        deviceIds: [], email: { enabled: true, recipients: email.alertRecipients, subject: '' }, telegram: false,
      });
    }
  }
  db.transactionSync(() => {
    db.putSync(RULES_KEY, rules);
    if (email && ('alertRecipients' in email || 'alertTypes' in email)) {
      const { alertRecipients: _r, alertTypes: _t, ...rest } = email;
      db.putSync('email', rest);
    }
  });
}

export class AlertRules {
  private cache: AlertRule[];

  constructor(private readonly db: Database<unknown, string>) {
    migrateAlertSettings(db);
    this.cache = (db.get(RULES_KEY) as AlertRule[] | undefined) ?? [];
  }

  list(): AlertRule[] { return this.cache; }

  get(id: string): AlertRule | undefined { return this.cache.find((r) => r.id === id); }

  async create(input: AlertRuleInput): Promise<AlertRule> {
    if (this.cache.length >= MAX_RULES) throw new AlertRuleError('limit', `at most ${MAX_RULES} alert rules`);
    const rule: AlertRule = { id: randomBytes(6).toString('hex'), ...alertRuleInputSchema.parse(input) };
    await this.save([...this.cache, rule]);
    return rule;
  }

  async update(id: string, input: AlertRuleInput): Promise<AlertRule> {
    if (!this.get(id)) throw new AlertRuleError('not-found', `no alert rule ${id}`, 'id');
    const rule: AlertRule = { id, ...alertRuleInputSchema.parse(input) };
    await this.save(this.cache.map((r) => (r.id === id ? rule : r)));
    return rule;
  }

  async remove(id: string): Promise<void> {
    if (!this.get(id)) throw new AlertRuleError('not-found', `no alert rule ${id}`, 'id');
    await this.save(this.cache.filter((r) => r.id !== id));
  }

  private async save(rules: AlertRule[]): Promise<void> {
    await this.db.put(RULES_KEY, rules);
    this.cache = rules;
  }
}
