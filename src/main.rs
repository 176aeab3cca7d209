//! `msd-century`: parse the arguments, run the command, print the error chain, exit.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // First, so that a Ctrl-C from now on stops the work cleanly.
    if let Err(e) = cli::signals::install() {
        eprintln!("error: cannot install the signal handlers: {e}");
        return ExitCode::from(cli::exit::FAILURE);
    }
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            let interrupted = matches!(
                err.downcast_ref::<msd_century::Error>(),
                Some(msd_century::Error::Interrupted)
            );
            match cli::signals::received() {
                Some(signal) if interrupted => {
                    eprintln!("interrupted: stopped before the end; outputs left as they were");
                    ExitCode::from(cli::exit::INTERRUPTED_BASE + signal as u8)
                }
                _ => {
                    eprintln!("error: {}", chain(&err));
                    ExitCode::from(cli::exit::FAILURE)
                }
            }
        }
    }
}

/// The error and its causes on one line, each cause once: a message that already ends with
/// its cause's text (`file: No such file`) is not followed by it again.
fn chain(err: &anyhow::Error) -> String {
    let mut text = match err.downcast_ref::<msd_century::Error>() {
        Some(e) => cli::message(e),
        None => err.to_string(),
    };
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text.replace('\n', " ")
}
