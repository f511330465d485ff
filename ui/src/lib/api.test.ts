import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { appInfo, describeError, isCommandError } from "./api";
import { sampleInfo } from "./fixtures";
import { setLanguage } from "./i18n.svelte";


afterEach(() => clearMocks());

describe("appInfo", () => {
  it("calls the app_info command and returns its result", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return sampleInfo;
    });
    await expect(appInfo()).resolves.toEqual(sampleInfo);
    expect(calls).toEqual(["app_info"]);
  });

  it("rejects with the command's coded error", async () => {
    const error = { code: "locations_unavailable", message: "set HOME" };
    mockIPC(() => {
      throw error;
    });
    await expect(appInfo()).rejects.toEqual(error);
  });
});

describe("errors", () => {
  it("recognises only known codes with a message", () => {
    expect(isCommandError({ code: "locations_unavailable", message: "x" })).toBe(true);
    expect(isCommandError({ code: "made_up", message: "x" })).toBe(false);
    expect(isCommandError({ code: "locations_unavailable" })).toBe(false);
    expect(isCommandError(null)).toBe(false);
  });

  it("describes any failure as a sentence", () => {
    expect(describeError({ code: "locations_unavailable", message: "Set HOME." })).toBe("Set HOME.");
    const busy = { code: "busy", path: "/x/links.json", message: "English words" };
    expect(describeError(busy)).toMatch(/^\/x\/links.json is held by another Tandem process/);
    setLanguage("nl");
    try {
      expect(describeError(busy)).toMatch(/^\/x\/links.json is in gebruik door/);
      expect(describeError(42)).toMatch(/logmap/);
    } finally {
      setLanguage("en");
    }
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError("plain")).toBe("plain");
    expect(describeError(42)).toMatch(/log folder/);
  });
});
