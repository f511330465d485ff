// Sample IPC results for the UI's unit tests.
import type { AppInfo } from "./bindings";

export const sampleInfo: AppInfo = {
  name: "Tandem",
  version: "0.1.0",
  locations: {
    home: "/home/ada",
    config_dir: "/home/ada/.config/tandem",
    data_dir: "/home/ada/.local/share/tandem",
    cache_dir: "/home/ada/.cache/tandem",
    log_dir: "/home/ada/.local/state/tandem/logs",
    system_root: "/",
  },
};
