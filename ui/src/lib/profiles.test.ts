import { describe, expect, it } from "vitest";
import { chromeProfile, personalProfile, profile, workProfile } from "./fixtures";
import { accountLine, groupByBrowser, kindLabel, profileKey } from "./profiles";

describe("groupByBrowser", () => {
  it("keeps discovery order and names each browser", () => {
    const groups = groupByBrowser([workProfile, chromeProfile, personalProfile]);
    expect(groups.map((group) => group.name)).toEqual(["Microsoft Edge", "Google Chrome"]);
    expect(groups[0]?.profiles).toEqual([workProfile, personalProfile]);
  });

  it("gives no groups for no profiles", () => {
    expect(groupByBrowser([])).toEqual([]);
  });
});

describe("labels", () => {
  it("shows who is signed in, or that nobody is", () => {
    expect(accountLine(workProfile)).toBe("ada@contoso.com");
    expect(accountLine(chromeProfile)).toBe("Not signed in");
    const nameOnly = profile({
      name: "x",
      account: { ...workProfile.account, email: null, display_name: "Ada" },
    });
    expect(accountLine(nameOnly)).toBe("Ada");
    expect(kindLabel("unknown")).toBe("Unknown account");
  });

  it("keys profiles by browser, folder and profile", () => {
    expect(profileKey(workProfile)).not.toBe(profileKey(personalProfile));
    expect(profileKey(workProfile)).not.toBe(profileKey({ ...workProfile, browser: "edge-beta" }));
  });
});
