//! `tandem`: Tandem's core on the command line. It links no GUI library, so it
//! starts in milliseconds and runs where no display exists.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tandem_locations::Locations;

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Link your work and personal browser profiles, and open each link in the right one.",
    long_about = None,
    after_help = "Logs go to stderr; set TANDEM_LOG (e.g. TANDEM_LOG=debug) for more detail."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show every folder Tandem reads or writes on this machine.
    Paths {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Locations(#[from] tandem_locations::LocationError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot encode the output as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Short-lived commands log to stderr only: a file per invocation would be noise.
    let _guard = tandem_logging::init(&tandem_logging::LogOptions {
        default_filter: "warn".into(),
        file: None,
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("tandem: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Paths { json } => {
            let locations = Locations::from_env()?;
            if json {
                serde_json::to_writer_pretty(&mut out, &locations)?;
                writeln!(out)?;
            } else {
                write_paths_table(&mut out, &locations)?;
            }
        }
    }
    Ok(())
}

fn write_paths_table(out: &mut impl Write, locations: &Locations) -> std::io::Result<()> {
    let rows = [
        ("home", locations.home()),
        ("settings", locations.config_dir()),
        ("data", locations.data_dir()),
        ("cache", locations.cache_dir()),
        ("logs", locations.log_dir()),
        ("system root", locations.system_root()),
    ];
    for (label, path) in rows {
        writeln!(out, "{label:<12} {}", path.display())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn table_lists_each_location_once() {
        let locations = Locations::under(std::path::Path::new("/machine"));
        let mut out = Vec::new();
        write_paths_table(&mut out, &locations).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 6);
        assert!(text.contains("logs         /machine/home/user/.local/state/tandem/logs"));
    }
}
