/**
 * @module links
 * DEV-4 link functionality: the links between EMS CX3 modules programmed with the EMS
 * configuration software, read from their F80BIM1 interface (event source on the left, action
 * module on the right), errors flagged. Read-only.
 */
import { z } from 'zod';
import type { EndpointDef } from './endpoints';

export const linkEndSchema = z.object({
  /** The configured device at that address, null when the web server does not know the module. */
  deviceId: z.number().int().nullable(),
  name: z.string(),
  /** The module's function (its model). */
  function: z.string(),
  gatewayId: z.string(),
  gateway: z.string(),
  /** `module-interface`, as the device list shows it. */
  address: z.string(),
});
export type LinkEnd = z.infer<typeof linkEndSchema>;

export const linkSchema = z.object({
  source: linkEndSchema,
  target: linkEndSchema,
  ok: z.boolean(),
  /** Why the link is flagged (the interface reports an error, or a module is not configured). */
  error: z.string().optional(),
});
export type Link = z.infer<typeof linkSchema>;

export const linksViewSchema = z.object({
  links: z.array(linkSchema),
  /** Interfaces whose link table could not be read, with the reason. */
  unreadable: z.array(z.object({ gatewayId: z.string(), address: z.number().int(), reason: z.string() })),
  at: z.string(),
});
export type LinksView = z.infer<typeof linksViewSchema>;

export const linkEndpoints = {
  'GET /api/links': { summary: 'Links between EMS CX3 modules, read from their interfaces now (DEV-4)', right: 'systemConfig', response: linksViewSchema },
} as const satisfies Record<string, EndpointDef>;
