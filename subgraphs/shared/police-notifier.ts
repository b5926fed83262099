import { KeyObject } from 'node:crypto';
import { appError } from '../../schema/errors';
import { signServiceToken } from '../../schema/tokens';

/**
 * A data owner's notices to the police register (a council: which cases it holds, breaches; the
 * MAPPA unit: the level a person is managed at). Each is signed with the sender's own key for the
 * police audience and sent inside the sender's write transaction: a refusal or no answer becomes a
 * coded error, the transaction rolls back, and nothing is half-written.
 */
export function policeNotifier(options: { service: string; policeUrl: string; serviceKey: KeyObject }) {
  return async (query: string, input: Record<string, unknown>): Promise<void> => {
    let body: { errors?: { extensions?: { code?: string } }[] };
    try {
      const res = await fetch(options.policeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signServiceToken(options.service, 'police', options.serviceKey)}` },
        body: JSON.stringify({ query, variables: { input } }),
        signal: AbortSignal.timeout(5000),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw appError('SERVICE_UNAVAILABLE', 'The police register did not answer; nothing was saved. Try again.', { service: 'police' });
    }
    const code = body.errors?.[0]?.extensions?.code;
    if (code === 'NOT_FOUND') throw appError('BAD_USER_INPUT', 'offenderId: this nominal is not on the police register.', { field: 'offenderId' });
    if (code) throw appError('SERVICE_UNAVAILABLE', 'The police register refused the notice; nothing was saved.', { service: 'police' });
  };
}
