import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * The real twilio-node SDK, pointed at a regcomp origin the way the README shows: a
 * RequestClient that rewrites Twilio's numbers host to ours, for every URL the SDK builds.
 */
export class LocalRequestClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string,
    options: RequestClient.RequestClientOptions = {},
  ) {
    super(options);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace('https://numbers.twilio.com', this.origin) });
  }
}

export function sdkClient(
  origin: string,
  username: string,
  password: string,
  accountSid?: string,
  options: RequestClient.RequestClientOptions = {},
): twilio.Twilio {
  return twilio(username, password, { accountSid, httpClient: new LocalRequestClient(origin, options) });
}
