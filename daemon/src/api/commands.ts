/**
 * @module api/commands
 * Commands on the bus (DEV-2, DEV-3): switching and output configuration. Input (the device,
 * the command, the confirmation) is parsed at the door; the commands capability writes, reads
 * back and audits.
 */
import type { ApiDeps } from './context';
import type { Handlers } from './contract';

export function commandHandlers(deps: ApiDeps): Handlers<'POST /api/devices/:id/commands/:kind' | 'PUT /api/devices/:id/outputs/:n' | 'PUT /api/devices/:id/outputs/:n/config'> {
  return {
    'POST /api/devices/:id/commands/:kind': ({ params, who }) => deps.commands.switchDevice(params.id, params.kind, who),
    'PUT /api/devices/:id/outputs/:n': ({ params, body, who }) => deps.commands.setOutput(params.id, params.n, body.on, who),
    'PUT /api/devices/:id/outputs/:n/config': ({ params, body, who }) => deps.commands.configureOutput(params.id, params.n, body, who),
  };
}
