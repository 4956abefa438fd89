// A certified OpenID Connect provider (node-oidc-provider) on loopback for
// Bianmin's sign-in tests: one registered client, PKCE required, its dev
// interactions (any login and password) for a scripted sign-in, and people
// whose claims carry a real name, a resident ID number and a phone.
//
//   node provider.mjs <port> <redirect_uri> <client_secret>
import Provider from 'oidc-provider';

const [port, redirectUri, secret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// The people the tests sign in as (the login typed is the account id).
const PEOPLE = {
  zhang: { name: '张三丰', id_number: '11010519491231002X', phone_number: '13812345678' },
  li: { name: '李四', id_number: '110101198805123010', phone_number: '13912345678' },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'bianmin',
    client_secret: secret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'phone', 'idcard'],
  claims: { openid: ['sub'], profile: ['name'], phone: ['phone_number'], idcard: ['id_number'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['bianmin-test-cookie-key'] },
  async findAccount(ctx, id) {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: `${id}-sub`, ...person }; } };
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => { console.log('ready'); });
