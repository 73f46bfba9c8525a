//! The `listwatch` command: track restricted-party lists over time.
//!
//! `main` only runs the command and turns its error into a message and an exit code; each
//! subcommand lives in its own file under `cli/`.

mod audit;
mod catalog;
mod cli;
mod failure;
mod input;
mod limits;
mod output;
mod paths;
mod progress;
mod server;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = failure::exit_code(&err);
            // A closed pipe (`listwatch diff ... | head`) is not worth a message. The message is
            // one line, whatever names or paths it quotes.
            if !failure::is_broken_pipe(&err) {
                eprintln!("listwatch: {}", output::clean(&failure::render(&err)));
            }
            ExitCode::from(code)
        }
    }
}
