import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, isSecretKey, MAX_CAUSE_DEPTH, REDACTED } from './log';
import { DomainError } from './errors';

function capture(spec = 'trace') {
  const lines: string[] = [];
  const log = createLogger('t', { spec, sink: (l) => lines.push(l) });
  return { log, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

test('an Error field keeps its name, message, code, stack, own fields and cause chain', () => {
  const { log, records } = capture();
  const root = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:502'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', port: 502 });
  const err = new DomainError('closed', 'gateway unreachable', { cause: root });
  log.error('polling failed', { err, deviceId: 3 });
  const [r] = records();
  assert.equal(r.level, 'error');
  assert.equal(r.ns, 't');
  assert.equal(r.deviceId, 3);
  assert.equal(r.err.name, 'DomainError');
  assert.equal(r.err.message, 'gateway unreachable');
  assert.equal(r.err.code, 'closed');
  assert.match(r.err.stack, /^DomainError: gateway unreachable\n\s+at /);
  assert.match(r.err.stack, /log\.test\.ts/);
  assert.deepEqual(
    { name: r.err.cause.name, message: r.err.cause.message, code: r.err.cause.code, errno: r.err.cause.errno, syscall: r.err.cause.syscall, port: r.err.cause.port },
    { name: 'Error', message: 'connect ECONNREFUSED 10.0.0.9:502', code: 'ECONNREFUSED', errno: -111, syscall: 'connect', port: 502 },
  );
  assert.match(r.err.cause.stack, /^Error: connect ECONNREFUSED/);
});

test('the cause chain is bounded, and a cycle of causes does not loop', () => {
  const { log, records } = capture();
  let err: Error = new Error('level 0');
  for (let i = 1; i < 20; i++) err = new Error(`level ${i}`, { cause: err });
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  log.error('deep', { err, loop: a });
  const [r] = records();
  let depth = 0;
  for (let e = r.err; typeof e === 'object'; e = e.cause) depth++;
  assert.equal(depth, MAX_CAUSE_DEPTH);
  assert.equal(r.loop.cause.message, 'b');
  assert.equal(r.loop.cause.cause, '[circular]');
});

test('a cause that is not an Error, non-Error throwables, bigints and cycles are logged as data', () => {
  const { log, records } = capture();
  const cyclic: Record<string, unknown> = { n: 1n };
  cyclic.self = cyclic;
  log.warn('odd values', { err: new Error('x', { cause: { status: 503 } }), thrown: 'a string', cyclic });
  const [r] = records();
  assert.deepEqual(r.err.cause, { status: 503 });
  assert.equal(r.thrown, 'a string');
  assert.deepEqual(r.cyclic, { n: '1', self: '[circular]' });
});

test('secrets are redacted at any depth, in errors too', () => {
  const { log, records } = capture();
  const err = Object.assign(new Error('login failed'), { pin: '12345' });
  log.info('user', {
    pin: '99999', puk: '00000 9999 00000', password: 'hunter2', token: 'abc', secret: 's',
    user: { name: 'Ann', newPin: '11111', smtp_password: 'p', botToken: 't', tokenId: 'id-1' },
    headers: { Authorization: 'Bearer x', cookie: 'ews_session=y' },
    list: [{ PASSWORD: 'q' }],
    pinSet: true, emptyPin: '',
    err,
  });
  const line = JSON.stringify(records()[0]);
  for (const secret of ['99999', '00000 9999 00000', 'hunter2', 'abc', '11111', 'Bearer x', 'ews_session=y', '12345']) {
    assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
  }
  const [r] = records();
  assert.equal(r.pin, REDACTED);
  assert.equal(r.secret, REDACTED);
  assert.equal(r.user.name, 'Ann');
  assert.equal(r.user.smtp_password, REDACTED);
  assert.equal(r.user.botToken, REDACTED);
  assert.equal(r.user.tokenId, 'id-1', 'an id is not the token');
  assert.equal(r.list[0].PASSWORD, REDACTED);
  assert.equal(r.pinSet, true, 'a flag about a secret is not a secret');
  assert.equal(r.emptyPin, '', 'nothing to hide');
  assert.equal(r.err.pin, REDACTED);
});

test('secret field names', () => {
  for (const k of ['pin', 'PIN', 'puk', 'password', 'passwd', 'token', 'secret', 'newPin', 'oldPuk', 'smtpPassword', 'SMTP_PASSWORD', 'bot-token', 'clientSecret', 'authorization', 'Cookie']) {
    assert.ok(isSecretKey(k), k);
  }
  for (const k of ['spin', 'mapping', 'tokenId', 'pinSet', 'passwordSet', 'folderPasswordSet', 'deviceId', 'secretary']) {
    assert.ok(!isSecretKey(k), k);
  }
});

test('levels: fatal is above error; the spec filters per namespace', () => {
  const { log, records } = capture('t:quiet=error,info');
  log.debug('hidden');
  log.info('shown');
  const quiet = log.child('quiet');
  quiet.warn('hidden');
  quiet.fatal('shown', { signal: 'SIGSEGV' });
  assert.deepEqual(records().map((r) => [r.level, r.ns, r.msg]), [['info', 't', 'shown'], ['fatal', 't:quiet', 'shown']]);
  assert.equal(quiet.enabled('fatal'), true);
  assert.equal(quiet.enabled('warn'), false);
});

test('a field whose toJSON throws does not throw out of the logger', () => {
  const { log, records } = capture();
  log.error('still logged', { bad: { toJSON() { throw new Error('no'); } } });
  assert.equal(records()[0].msg, 'still logged');
});
