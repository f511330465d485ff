import { describe, expect, it } from "vitest";
import type { Link } from "./bindings";
import { chromeProfile, personalProfile, said, workProfile } from "./fixtures";
import { eventLabel, linkOf, newestFirst, personalCandidates, personalLine, stateLabel } from "./links";

const link: Link = {
  id: "1",
  work: "edge:Default",
  work_account: { tenant_id: "t", email: "ada@contoso.com" },
  personal_account: { account_key: null, email: "ada@outlook.com", name: null, proof: "profile" },
  personal_profile: "edge:Profile 1",
  state: "linked",
  since: 1,
  reason: null,
};

describe("links", () => {
  it("finds the link of a work profile", () => {
    expect(linkOf([link], workProfile)).toBe(link);
    expect(linkOf([link], chromeProfile)).toBeUndefined();
  });

  it("offers personal profiles, the work profile's browser first", () => {
    const otherBrowser = { ...personalProfile, browser: "chrome" as const, profile_dir: "Default" };
    expect(personalCandidates([otherBrowser, workProfile, personalProfile], workProfile)).toEqual([
      personalProfile,
      otherBrowser,
    ]);
  });

  it("reads states, events and paused personal data", () => {
    expect(stateLabel("work-account-unavailable")).toBe("Work account unavailable");
    expect(eventLabel("unlinked-by-policy")).toMatch(/policy/);
    expect(personalLine(link)).toBe("ada@outlook.com");
    expect(personalLine({ ...link, personal_account: null })).toMatch(/paused/);
    const entries = [
      { time: 1, event: "linked" as const, work: link.work, reason: said("link.reason.at_request") },
      { time: 2, event: "unlinked-by-user" as const, work: link.work, reason: said("link.reason.at_request") },
    ];
    expect(newestFirst(entries).map((e) => e.time)).toEqual([2, 1]);
  });
});
