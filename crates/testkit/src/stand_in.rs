//! Stand-ins for the programs Tandem starts (a browser, the app): shell
//! scripts that record each run, its arguments and the variables that carry
//! a desktop's focus token, and exit at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The variables each run records.
pub const RECORDED_VARS: [&str; 9] = [
    "XDG_ACTIVATION_TOKEN",
    "DESKTOP_STARTUP_ID",
    "HOME",
    "GDK_GL",
    "WEBKIT_DISABLE_COMPOSITING_MODE",
    "WEBKIT_WEB_RENDER_DEVICE_FILE",
    "JSC_useJIT",
    "MALLOC_ARENA_MAX",
    "TANDEM_ADDED_ENV",
];

#[derive(Debug, Clone)]
pub struct StandIn {
    pub program: PathBuf,
    pub record: PathBuf,
}

/// One run of a stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

impl StandIn {
    /// Writes the stand-in at `program`.
    pub fn install(program: &Path) -> Self {
        let record = program.with_file_name(format!(
            "{}.runs",
            program.file_name().unwrap().to_string_lossy()
        ));
        // The run is recorded with one write: two stand-ins started at once
        // (two quick clicks) would otherwise interleave their lines, and
        // one run would be lost in the other.
        let mut script = format!(
            "#!/bin/sh\nout={}\nnl='\n'\nrec=\"run$nl\"\n",
            quote(&record)
        );
        script.push_str(
            "for arg in \"$@\"; do rec=\"${rec}$(printf 'arg\\t%s' \"$arg\")$nl\"; done\n",
        );
        for var in RECORDED_VARS {
            script.push_str(&format!(
                "[ -n \"${{{var}+set}}\" ] && rec=\"${{rec}}$(printf 'env\\t{var}\\t%s' \"${var}\")$nl\"\n"
            ));
        }
        // One write up to the shell's output buffer (8 KiB in dash): keep
        // what tests pass a stand-in shorter than that.
        script.push_str("rec=\"${rec}end$nl\"\nprintf '%s' \"$rec\" >> \"$out\"\n");
        std::fs::create_dir_all(program.parent().unwrap()).unwrap();
        std::fs::write(program, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(program, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Self {
            program: program.to_path_buf(),
            record,
        }
    }

    /// Every finished run so far.
    pub fn runs(&self) -> Vec<Run> {
        let text = std::fs::read_to_string(&self.record).unwrap_or_default();
        let mut runs = Vec::new();
        let mut current: Option<Run> = None;
        for line in text.lines() {
            match line {
                "run" => {
                    current = Some(Run {
                        args: Vec::new(),
                        env: BTreeMap::new(),
                    })
                }
                "end" => runs.extend(current.take()),
                _ => {
                    let Some(run) = current.as_mut() else {
                        continue;
                    };
                    if let Some(arg) = line.strip_prefix("arg\t") {
                        run.args.push(arg.to_owned());
                    } else if let Some(var) = line.strip_prefix("env\t")
                        && let Some((name, value)) = var.split_once('\t')
                    {
                        run.env.insert(name.to_owned(), value.to_owned());
                    }
                }
            }
        }
        runs
    }

    /// Waits (at most `limit`) for `count` runs: for a program started in
    /// the background.
    pub fn wait_for(&self, count: usize, limit: Duration) -> Vec<Run> {
        let deadline = Instant::now() + limit;
        loop {
            let runs = self.runs();
            if runs.len() >= count || Instant::now() > deadline {
                return runs;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_started_at_once_are_all_recorded_whole() {
        let dir = tempfile::tempdir().unwrap();
        let stand_in = StandIn::install(&dir.path().join("bin/app"));
        // Line by line, about one run in fifty interleaved with another.
        const ROUNDS: usize = 8;
        const AT_ONCE: usize = 24;
        for round in 0..ROUNDS {
            let children: Vec<_> = (0..AT_ONCE)
                .map(|index| {
                    let index = round * AT_ONCE + index;
                    std::process::Command::new(&stand_in.program)
                        .args([format!("--run={index}"), "two words".to_owned()])
                        .env("HOME", format!("/home/{index}"))
                        .spawn()
                        .unwrap()
                })
                .collect();
            for mut child in children {
                assert!(child.wait().unwrap().success());
            }
        }
        let mut runs = stand_in.runs();
        assert_eq!(runs.len(), ROUNDS * AT_ONCE);
        runs.sort_by_key(|run| run.args[0].clone());
        for run in &runs {
            let index = &run.args[0]["--run=".len()..];
            assert_eq!(run.args[1], "two words");
            assert_eq!(run.env["HOME"], format!("/home/{index}"));
        }
    }
}
