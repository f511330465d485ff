// A real OpenID Connect provider on 127.0.0.1 for Tandem's identity tests
// (panva's oidc-provider), shaped like Microsoft's identity platform where
// it matters: `tid`/`oid` claims, a consumer and a work tenant, and
// `error_codes: [50034]` when a deleted user's refresh token is used.
//
// The client is registered as a desktop app is at Microsoft: a native client
// whose loopback redirect URIs match in scheme, host and path, with any port
// (TANDEM_TEST_REDIRECT_URIS, comma-separated; by default the README's
// registration, http://localhost).
//
// Usage: node oidc-provider.mjs   (prints "listening <issuer>" when ready)
// Test-only routes: POST /test/users/<id>/delete
import { createServer } from "node:http";
import Provider from "oidc-provider";

const CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
const WORK_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const users = new Map([
  ["alice", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-00000000a11c", name: "Alice Personal", preferred_username: "alice@outlook.test" }],
  ["bob", { tid: WORK_TENANT, oid: "00000000-0000-0000-0000-000000000b0b", name: "Bob Work", preferred_username: "bob@contoso.test" }],
  // Tests that change or delete an account's keyring entry use their own
  // users, as every test shares the session's keyring.
  ["carol", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-0000000ca401", name: "Carol Personal", preferred_username: "carol@outlook.test" }],
  ["dave", { tid: WORK_TENANT, oid: "00000000-0000-0000-0000-00000000da7e", name: "Dave Work", preferred_username: "dave@contoso.test" }],
  // The wizard's tests in crates/api/tests/onboarding.rs, one user per case.
  ["erin", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-00000000e417", name: "Erin Personal", preferred_username: "erin@outlook.test" }],
  ["frank", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-00000000f4a7", name: "Frank Personal", preferred_username: "frank@outlook.test" }],
  ["grace", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-000000009ace", name: "Grace Personal", preferred_username: "grace@outlook.test" }],
  ["heidi", { tid: CONSUMER_TENANT, oid: "00000000-0000-0000-0000-000000004e1d", name: "Heidi Personal", preferred_username: "heidi@outlook.test" }],
]);
const deleted = new Set();

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "tandem-test",
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
      response_types: ["code"],
      redirect_uris: (process.env.TANDEM_TEST_REDIRECT_URIS ?? "http://localhost").split(","),
    },
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
  claims: { openid: ["sub"], profile: ["name", "preferred_username", "tid", "oid"] },
  conformIdTokenClaims: false,
  scopes: ["openid", "profile", "offline_access"],
  issueRefreshToken: () => true,
  ttl: { IdToken: 3600, AccessToken: 3600 },
  cookies: { keys: ["tandem-test-cookie-key"] },
  async findAccount(_ctx, id) {
    const user = users.get(id);
    if (!user || deleted.has(id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
});

// Test controls, and Microsoft's error shape for a deleted account.
provider.use(async (ctx, next) => {
  const match = /^\/test\/users\/([^/]+)\/delete$/.exec(ctx.path);
  if (match && ctx.method === "POST") {
    deleted.add(match[1]);
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === "/token" && ctx.status === 400 && ctx.body?.error === "invalid_grant" && deleted.size > 0) {
    ctx.body = {
      ...ctx.body,
      error_codes: [50034],
      error_description: "AADSTS50034: The user account does not exist in this directory.",
    };
  }
});

server.on("request", provider.callback());
console.log(`listening ${issuer}`);
