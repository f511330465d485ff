import { describe, expect, it } from "vitest";
import type { Route } from "./bindings";
import { personalProfile as personal, said, workProfile as work } from "./fixtures";
import { fallbackOptions, pickOrder, routeSummary, targetLabel, targetOptions } from "./routing";

describe("routing helpers", () => {
  it("puts work and personal profiles first, most recently used first", () => {
    const older = { ...work, profile_dir: "Profile 9", last_active: 1 };
    const ordered = pickOrder([personal, older, { ...work, last_active: 5 }]);
    expect(ordered.map((profile) => profile.profile_dir)).toEqual([work.profile_dir, "Profile 9", personal.profile_dir]);
  });

  it("offers the linked kinds, asking and each profile as targets", () => {
    const options = targetOptions([work]);
    expect(options.map((option) => option.value)).toEqual(["work", "personal", "ask", `edge:${work.profile_dir}`]);
    expect(fallbackOptions([]).map((option) => option.value)).toEqual(["as-before", "ask"]);
  });

  it("words a rule's target, and keeps one it does not know as written", () => {
    expect(targetLabel("personal", [])).toBe("The personal profile");
    expect(targetLabel("as-before", [])).toBe("Where links opened before Tandem");
    expect(targetLabel("edge:Default", [work])).toBe("Ada Lovelace (Microsoft Edge)");
    expect(targetLabel("brave:Gone", [work])).toBe("brave:Gone");
  });

  it("words a route", () => {
    const route: Route = {
      url: "https://a.example",
      effective_url: "https://a.example",
      decision: "open",
      browser: "edge",
      shown: said("said.verbatim", { text: "Microsoft Edge" }),
      profile_dir: "Profile 1",
      rule: null,
      reason: said("route.reason.fallback_ask"),
      argv: ["/usr/bin/microsoft-edge", "--", "https://a.example"],
      wrappers: [],
    };
    expect(routeSummary(route)).toBe("Opens in Microsoft Edge, profile Profile 1.");
    expect(routeSummary(route, [personal])).toBe("Opens in Microsoft Edge, profile Home.");
    expect(routeSummary({ ...route, decision: "ask", browser: null, shown: null, profile_dir: null, argv: null })).toBe(
      "Tandem asks which profile opens it.",
    );
    // The old handler, by the name the core gives it in each language.
    const old = said("said.by_language", { en: "qutebrowser", nl: "qutebrowser (NL)" });
    expect(routeSummary({ ...route, browser: "org.qutebrowser.qutebrowser.desktop", shown: old, profile_dir: null })).toBe(
      "Opens in qutebrowser, in the profile it picks itself.",
    );
  });
});
