/**
 * @module commands
 * Commands on the bus (DEV-2, DEV-3): breaker and EMS open / close / reset, M7TIC/IO and
 * M7TICPROG outputs and their configuration. Each write goes through the bus queue at command
 * priority, is read back, and answers whether the device confirmed it (or why not).
 */
import { z } from 'zod';
import { commandKindSchema } from './catalog';
import type { EndpointDef } from './endpoints';

const deviceId = z.coerce.number({ error: 'a device id is a number' }).int('a device id is a whole number').min(1, 'device ids go from 1 to 9999').max(9999, 'device ids go from 1 to 9999');
const commandParams = z.object({ id: deviceId, kind: commandKindSchema });
const outputParams = z.object({ id: deviceId, n: z.coerce.number({ error: 'an output number' }).int().min(1, 'outputs are numbered from 1').max(32, 'at most 32 outputs') });

/** A switching command must be confirmed by the user (DEV-2, DEV-3). */
const confirmSchema = z.literal(true, { error: 'a switching command needs a confirmation (confirm: true)' });

export const switchRequestSchema = z.object({ confirm: confirmSchema }).strict();
export const outputRequestSchema = z.object({ on: z.boolean(), confirm: confirmSchema }).strict();
export type OutputRequest = z.infer<typeof outputRequestSchema>;

/** DEV-3 output configuration: normal state, command mode, ON time (0 = maintained). */
export const outputConfigSchema = z.object({
  normalState: z.enum(['NO', 'NC']),
  mode: z.enum(['impulsive', 'blinking']),
  onTimeS: z.number().int('whole seconds').min(0, '0 (maintained) or more seconds').max(65535, 'at most 65535 s'),
}).strict();
export type OutputConfig = z.infer<typeof outputConfigSchema>;

/**
 * `confirmed`: the device reads back what was asked; `not-confirmed`: it accepted the write but
 * reads back something else; `refused`: it answered with a Modbus exception; `failed`: no answer
 * (timeout, gateway off).
 */
export const commandOutcomeSchema = z.enum(['confirmed', 'not-confirmed', 'refused', 'failed']);
export type CommandOutcome = z.infer<typeof commandOutcomeSchema>;

export const commandResultSchema = z.object({
  outcome: commandOutcomeSchema,
  /** The state read back (breaker state, output on/off). */
  state: z.string().optional(),
  /** The output configuration read back. */
  config: outputConfigSchema.optional(),
  detail: z.string().optional(),
  at: z.string(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

export const commandEndpoints = {
  'POST /api/devices/:id/commands/:kind': {
    summary: 'Open, close or reset a breaker or EMS relay (DEV-2): written at command priority, read back, audited', right: 'myPanelBoard',
    params: commandParams, body: switchRequestSchema, response: commandResultSchema,
  },
  'PUT /api/devices/:id/outputs/:n': {
    summary: 'Switch output n on or off (DEV-3): written at command priority, read back, audited', right: 'myPanelBoard',
    params: outputParams, body: outputRequestSchema, response: commandResultSchema,
  },
  'PUT /api/devices/:id/outputs/:n/config': {
    summary: 'Write the configuration of output n (normal state, mode, ON time) and read it back (DEV-3)', right: 'myPanelBoard',
    params: outputParams, body: outputConfigSchema, response: commandResultSchema,
  },
} as const satisfies Record<string, EndpointDef>;
