// Stands in for the system browser in Tandem's sign-in tests ($BROWSER): it
// follows the authorization URL, logs in through the provider's forms as
// TANDEM_TEST_USER, consents, and delivers the redirect to Tandem's loopback
// listener. TANDEM_TEST_BROWSER_MODE changes what reaches the listener:
//   normal       the real redirect
//   wrong-state  the real code with a forged state
//   deny         error=access_denied, as when the user refuses
//   ignore       nothing at all (the user walked away)
const [url] = process.argv.slice(2);
const user = process.env.TANDEM_TEST_USER ?? "alice";
const mode = process.env.TANDEM_TEST_BROWSER_MODE ?? "normal";
const cookies = new Map();

function remember(response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [name, ...value] = pair.split("=");
    cookies.set(name.trim(), value.join("="));
  }
}

async function go(target, init = {}) {
  const headers = { ...(init.headers ?? {}), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  const response = await fetch(target, { ...init, headers, redirect: "manual" });
  remember(response);
  return response;
}

async function deliver(target) {
  const response = await fetch(target);
  console.error(`browser: listener answered ${response.status}`);
}

const redirectOf = (location) => new URL(location);
const authorize = new URL(url);
const redirectUri = authorize.searchParams.get("redirect_uri");

if (mode === "ignore") process.exit(0);
if (mode === "deny") {
  const denied = new URL(redirectUri);
  denied.searchParams.set("error", "access_denied");
  denied.searchParams.set("error_description", "The user declined.");
  denied.searchParams.set("state", authorize.searchParams.get("state"));
  await deliver(denied);
  process.exit(0);
}

let response = await go(url);
for (let step = 0; step < 20; step++) {
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location) {
    const next = new URL(location, url);
    if (process.env.TANDEM_TEST_BROWSER_DEBUG) console.error(`browser: ${response.status} -> ${next.href}`);
    if (redirectUri && next.href.startsWith(redirectUri.replace(/\/callback$/, ""))) {
      if (mode === "wrong-state") next.searchParams.set("state", "forged-state");
      await deliver(next);
      process.exit(0);
    }
    response = await go(next);
    continue;
  }
  const page = await response.text();
  const formHtml = /<form[\s\S]*?<\/form>/.exec(page)?.[0];
  if (!formHtml) {
    // The provider's last page (device flow: "sign-in complete").
    console.error(`browser: finished on a page (${response.status})`);
    process.exit(0);
  }
  const action = /action="([^"]*)"/.exec(formHtml)?.[1] ?? "";
  const target = new URL(action, response.url || url);
  const form = new URLSearchParams();
  for (const input of formHtml.matchAll(/<(?:input|button)\b[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    if (!name) continue;
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
    form.set(name, value);
  }
  if (form.has("login")) {
    form.set("login", user);
    form.set("password", "any");
  }
  if (form.has("user_code") && !form.get("user_code")) form.set("user_code", process.env.TANDEM_TEST_USER_CODE ?? "");
  response = await go(target, {
    method: "POST",
    body: form,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}
throw new Error("browser: too many steps");
