// Generated from Rust by src-tauri/src/bindings.rs. Do not edit by hand:
// run `make bindings` after changing a type that crosses IPC.

/**
 * Where Tandem keeps its own files, and where the system-wide files it reads live.
 */
export type Locations = { 
/**
 * The user's home folder.
 */
home: string, 
/**
 * Settings the user chose.
 */
config_dir: string, 
/**
 * Data Tandem must keep (links, account index), never secrets.
 */
data_dir: string, 
/**
 * Data Tandem can rebuild at any time.
 */
cache_dir: string, 
/**
 * Rolling log files.
 */
log_dir: string, 
/**
 * The folder every system location is resolved under; `/` on a real machine.
 */
system_root: string, };

/**
 * What the switcher shows about Tandem itself.
 */
export type AppInfo = { name: string, version: string, locations: Locations, };

/**
 * Stable, machine-readable reasons a command failed.
 */
export type ErrorCode = "locations_unavailable";

export type CommandError = { code: ErrorCode, message: string, };
