/**
 * @module config/rules
 * The installation's rules (CAT-2, CFG-1…4, BUS-6), checked on a draft document before it is
 * saved. Each failure names the field, so the SPA can show it next to the input (CFG-6).
 */
import { deviceAddressLabel, slaveBlockAddress, SLAVE_UNIT_ID, EDITION_LIMITS, LOCAL_GATEWAY_ID, MAX_LOADS, MAX_USER_LOADS, type DeviceConfig } from '@ews/shared';
import type { ModelDef } from '@ews/shared';
import type { ConfigDocument } from './document';
import { DomainError } from '../util/errors';

export type ConfigErrorCode = 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'limit';
export class ConfigError extends DomainError<ConfigErrorCode> {
  constructor(code: ConfigErrorCode, message: string, public readonly fields?: Record<string, string[]>) {
    super(code, message);
  }
}

export function fail(code: ConfigErrorCode, field: string, message: string): never {
  throw new ConfigError(code, message, { [field]: [message] });
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Checks one device against the document it is going into (the device is already in `doc`). */
export function checkDevice(doc: ConfigDocument, d: DeviceConfig, model: ModelDef | undefined): void {
  const gw = doc.gateways.find((g) => g.id === d.gatewayId);
  if (!gw) fail('invalid', 'gatewayId', `no gateway ${d.gatewayId}`);
  if (!model) fail('invalid', 'model', `unknown model ${d.family}/${d.model}`);
  const params = model.parameters;
  if (params.includes('position') && d.position === undefined) fail('invalid', 'position', 'a pulse counter needs its position (input number)');
  const remote = params.includes('module');
  if (!params.includes('position') && !remote && d.position !== undefined) fail('invalid', 'position', 'this model has no position');
  if (d.position !== undefined && model.positions && d.position > model.positions.count) {
    fail('invalid', 'position', remote ? `remote module addresses go from 1 to ${model.positions.count}` : `positions go from 1 to ${model.positions.count}`);
  }
  if (!params.includes('side') && d.side !== undefined) fail('invalid', 'side', 'this model has no side');
  if (params.includes('genericRegister') && !d.generic) fail('invalid', 'generic', 'a generic meter needs its register (read code, register, words, factor)');
  if (!params.includes('genericRegister') && d.generic) fail('invalid', 'generic', 'only generic meters take a register');
  if (params.includes('remoteAddress')) {
    // MS-3: a WSMEASURE device is read at unit 247 of another EWS box, through an IP gateway.
    if (d.remoteAddress === undefined) fail('invalid', 'remoteAddress', 'a WSMEASURE device needs the Remote ID it reads (1XXXX, 2YYYY, 3ZZZZ or 29999 = All)');
    if (slaveBlockAddress(d.remoteAddress) === undefined) fail('invalid', 'remoteAddress', 'this Remote ID is beyond the slave register map (devices up to 14999, loads up to 20999, groups up to 31999)');
    if (d.address !== SLAVE_UNIT_ID) fail('invalid', 'address', `a WSMEASURE device is read at Modbus address ${SLAVE_UNIT_ID}`);
    if (gw.kind === 'local') fail('invalid', 'gatewayId', 'a WSMEASURE device belongs to a gateway whose IP is the slave web server, not to Local');
  } else if (d.remoteAddress !== undefined) fail('invalid', 'remoteAddress', 'only WSMEASURE devices take a Remote ID');
  if (params.includes('phase') && d.phase === undefined && model.simulation?.phases === 1) fail('invalid', 'phase', 'a single-phase station needs its phase');
  if (doc.devices.some((o) => o.id !== d.id && same(o.name, d.name))) fail('conflict', 'name', `the name "${d.name}" is already used`);
  const clash = doc.devices.find((o) => o.id !== d.id && o.gatewayId === d.gatewayId && o.address === d.address && o.position === d.position && o.side === d.side && o.remoteAddress === d.remoteAddress);
  if (clash) fail('conflict', 'address', `address ${deviceAddressLabel(d, remote)} is already used on ${gw.name} by "${clash.name}"`);
  // A Modbus address is one physical slave: a pulse concentrator's address cannot also be a meter's.
  const sameAddr = doc.devices.filter((o) => o.id !== d.id && o.gatewayId === d.gatewayId && o.address === d.address);
  if (sameAddr.some((o) => (o.position === undefined) !== (d.position === undefined) || o.family !== d.family && d.position !== undefined)) {
    fail('conflict', 'address', `address ${d.address} on ${gw.name} belongs to another kind of device`);
  }
  if (d.loadId !== null) {
    const load = doc.loads.find((l) => l.id === d.loadId);
    if (!load) fail('invalid', 'loadId', `no load ${d.loadId}`);
    const wantKind = model.energyType === 'water' ? 'water' : model.energyType === 'gas' ? 'gas' : undefined;
    if (wantKind && load.kind !== wantKind) fail('invalid', 'loadId', `a ${wantKind} counter belongs to the ${wantKind} load`);
    if (!wantKind && (load.kind === 'water' || load.kind === 'gas')) fail('invalid', 'loadId', `only ${load.kind} counters go in the ${load.kind} load`);
  }
  if (new Set(d.groupIds).size !== d.groupIds.length) fail('invalid', 'groupIds', 'a group is listed twice');
  for (const g of d.groupIds) if (!doc.groups.some((x) => x.id === g)) fail('invalid', 'groupIds', `no measure group ${g}`);
}

/** BUS-6 edition limits, with the numbers in the message. */
export function checkLimits(doc: ConfigDocument): void {
  const limits = EDITION_LIMITS[doc.edition];
  if (doc.devices.length > limits.devices) {
    fail('limit', 'address', `the ${doc.edition} edition takes at most ${limits.devices} devices (${doc.devices.length} configured)`);
  }
  for (const gw of doc.gateways) {
    const onGw = doc.devices.filter((d) => d.gatewayId === gw.id);
    const addresses = new Set(onGw.filter((d) => d.position === undefined).map((d) => d.address));
    const pulses = onGw.filter((d) => d.position !== undefined).length;
    if (addresses.size > limits.perGateway) fail('limit', 'address', `${gw.name}: at most ${limits.perGateway} Modbus addresses per gateway in the ${doc.edition} edition`);
    if (pulses > limits.perGateway) fail('limit', 'position', `${gw.name}: at most ${limits.perGateway} pulse counters per gateway in the ${doc.edition} edition`);
  }
}

export function checkLoads(doc: ConfigDocument): void {
  const user = doc.loads.filter((l) => l.kind === 'user');
  if (user.length > MAX_USER_LOADS) fail('limit', 'name', `at most ${MAX_USER_LOADS} user loads`);
  // 6 predefined + up to 8 user loads = 14; "Others", Water and Gas are not counted.
  const countable = doc.loads.filter((l) => l.kind === 'predefined' || l.kind === 'user');
  if (countable.length > MAX_LOADS) fail('limit', 'name', `at most ${MAX_LOADS} loads in all`);
  const names = new Map<string, string>();
  for (const l of doc.loads) {
    const k = l.name.trim().toLowerCase();
    if (names.has(k)) fail('conflict', 'name', `the name "${l.name}" is already used by a load`);
    names.set(k, l.id);
  }
}

export function checkNamed(items: Array<{ id: string; name: string }>, what: string): void {
  const seen = new Set<string>();
  for (const i of items) {
    const k = i.name.trim().toLowerCase();
    if (seen.has(k)) fail('conflict', 'name', `the name "${i.name}" is already used by another ${what}`);
    seen.add(k);
  }
}

export function checkGateways(doc: ConfigDocument): void {
  checkNamed(doc.gateways, 'gateway');
  const local = doc.gateways.find((g) => g.id === LOCAL_GATEWAY_ID);
  if (!local) fail('forbidden', 'id', 'the Local gateway cannot be deleted');
  if (local.host !== '127.0.0.1' || local.kind !== 'local') fail('forbidden', 'host', 'the Local gateway IP cannot be edited');
  for (const g of doc.gateways) {
    if (g.panelBoardId !== null && !doc.panelBoards.some((p) => p.id === g.panelBoardId)) fail('invalid', 'panelBoardId', `no panel board ${g.panelBoardId}`);
    if (g.eqDeviceId != null) {
      if (doc.edition === 'PM1WS10') fail('invalid', 'eqDeviceId', 'the EN 50160 check is offered by the PM1WS32 and PM1WS255 editions');
      const eq = doc.devices.find((d) => d.id === g.eqDeviceId);
      if (!eq) fail('invalid', 'eqDeviceId', `device ${g.eqDeviceId} is the EQ device of ${g.name}: choose another EQ device first`);
      if (eq.gatewayId !== g.id) fail('invalid', 'eqDeviceId', `the EQ device of ${g.name} must be on that gateway`);
    }
  }
}
