import { createAmpClient, type AmpClient, type AmpCredentials } from '../../../../lambdas/clients/amp';
import type { LocalServer } from './local-server';

/** An AMP client whose workspace URL is on the local server: `<server>/workspaces/ws-1234` and `tail`. */
export function ampClientOn(server: LocalServer, credentials: AmpCredentials, tail = ''): AmpClient {
  return createAmpClient({
    baseUrl: `${server.baseUrl}/workspaces/ws-1234${tail}`,
    region: 'eu-west-1',
    credentials,
  });
}
