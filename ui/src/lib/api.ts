// The UI's only door to Rust: typed wrappers over the app's IPC commands.
// Types come from ./bindings.ts, which is generated from the Rust types.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo, CommandError, ErrorCode } from "./bindings";

const ERROR_CODES: readonly ErrorCode[] = ["locations_unavailable"];

export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (ERROR_CODES as readonly string[]).includes(code)
  );
}

/** What went wrong, as a sentence a person can act on. */
export function describeError(error: unknown): string {
  if (isCommandError(error)) return error.message;
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Something went wrong inside Tandem. The log folder has the details.";
}

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}
