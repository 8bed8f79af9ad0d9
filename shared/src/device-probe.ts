/**
 * "Test" on a device before saving it (CAT-2): the device form's content is read once on its
 * bus, nothing is stored. Same rights as configuring devices.
 */
import type { EndpointDef } from './endpoints';
import { deviceInputSchema, deviceTestResultSchema } from './structure';

export const deviceProbeEndpoints = {
  'POST /api/devices/probe': {
    summary: 'Read a device described by the device form, without saving it: values or the reason of failure (CAT-2)',
    right: 'systemConfig', body: deviceInputSchema, response: deviceTestResultSchema,
  },
} as const satisfies Record<string, EndpointDef>;
