import { afterEach, describe, expect, it } from "vitest";
import { describeError } from "./api";
import { said } from "./fixtures";
import { isolate, say, setLanguage, t } from "./i18n.svelte";

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

describe("text from outside in a sentence", () => {
  const FSI = "\u2068";
  const PDI = "\u2069";

  it("cannot reorder the sentence around it", () => {
    const spoof = "\u202eexe.Work";
    const text = t("switcher.unlinked", { profile: spoof });
    // The override is dropped: it is invisible, and only there to reorder.
    expect(text).toBe(`Unlinked “${FSI}exe.Work${PDI}”.`);
    // A pop of its own cannot end the isolate early.
    expect(t("switcher.unlinked", { profile: "\u2069\u202eexe.Work\u2066" })).toBe(`Unlinked “${FSI}exe.Work${PDI}”.`);
    const hebrew = "עבודה";
    expect(t("switcher.unlinked", { profile: hebrew })).toBe(`Unlinked “${FSI}${hebrew}${PDI}”.`);
    // Nested sentences and lists isolate their values too.
    expect(say(said("link.notice.unlinked", { profile: spoof, reason: said("link.reason.at_request", {}) }))).toContain(
      `${FSI}exe.Work${PDI} was unlinked`,
    );
    expect(t("switcher.unlinked", { profile: ["a", spoof] })).toContain(`a, ${FSI}exe.Work${PDI}`);
    // A key from a newer Tandem shows its values set apart too.
    expect(say(said("link.reason.from_the_future", { detail: spoof }))).toBe(`link.reason.from_the_future (detail: ${FSI}exe.Work${PDI})`);
  });

  it("is left as it is when it could reorder nothing", () => {
    expect(isolate("Work — Ada (ada@contoso.com) 💼 ñ 日本")).toBe("Work — Ada (ada@contoso.com) 💼 ñ 日本");
    expect(t("switcher.unlinked", { profile: "Work" })).toBe("Unlinked “Work”.");
    for (const reorders of ["\u200f", "a\u061c", "\u{10900}", "\u{1e900}", "ﭐ"]) {
      expect(isolate(reorders)).toBe(`${FSI}${reorders}${PDI}`);
    }
    expect(isolate("\u2066x\u2069")).toBe(`${FSI}x${PDI}`);
  });
});
