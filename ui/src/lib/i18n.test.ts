import { afterEach, describe, expect, it } from "vitest";
import { describeError } from "./api";
import { said } from "./fixtures";
import { say, setLanguage } from "./i18n.svelte";

describe("sentences the core sends as keys", () => {
  afterEach(() => setLanguage("en"));

  const reason = said("route.reason.rule_opens", {
    rule: said("route.who.user", { pattern: "github.com" }),
    how: said("route.how.linked_personal", { profile: "Home", browser: "Microsoft Edge" }),
  });

  it("are worded in the window's language, nested ones too", () => {
    expect(say(reason)).toBe("your rule github.com opens it in the linked personal profile, Home in Microsoft Edge");
    setLanguage("nl");
    expect(say(reason)).toBe("je regel github.com opent hem in het gekoppelde persoonlijke profiel, Home in Microsoft Edge");
  });

  it("show a key from a newer Tandem with its parameters", () => {
    expect(say(said("link.reason.from_the_future", { detail: "AADSTS1" }))).toBe("link.reason.from_the_future (detail: AADSTS1)");
  });

  it("word an error's parameters too", () => {
    setLanguage("nl");
    const error = {
      code: "policy_forbids",
      message: "linking is off: your organization turned linking off (LinkingEnabled is false in /etc/x.json)",
      reason: said("policy.reason.off", { name: "LinkingEnabled", location: "/etc/x.json" }),
      set_by: "/etc/x.json",
    };
    const text = describeError(error);
    expect(text).toContain("je organisatie heeft koppelen uitgezet (LinkingEnabled staat op false in /etc/x.json)");
    expect(text).not.toContain("your organization");
  });
});
