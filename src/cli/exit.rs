//! The exit codes, one set for every command (the README's table).

use std::process::ExitCode;

/// Bad data or settings: a file that is not what it should be, a value out of range, an output
/// that cannot be written, a directory another process writes.
pub const FAILURE: u8 = 1;
/// Bad usage: an unknown command or flag, a value of the wrong type (clap's own code).
#[allow(dead_code)] // clap exits with it; named here for the table
pub const USAGE: u8 = 2;
/// `train`: SGD diverged (non-finite parameters or loss); no model written.
pub const DIVERGED: u8 = 3;
/// `gradcheck`: the check ran and failed.
pub const CHECK_FAILED: u8 = 4;
/// Stopped by SIGINT (Ctrl-C) or SIGTERM: 128 + the signal's number, as shells report it.
pub const INTERRUPTED_BASE: u8 = 128;

pub fn code(code: u8) -> ExitCode {
    ExitCode::from(code)
}
