//! Ctrl-C (SIGINT) and SIGTERM: the first asks the work to stop (the library polls
//! [`requested`] through the observer's `cancelled`, and the command line removes what it had
//! staged), a second one exits at once. The library itself installs no handler.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

struct Flags {
    any: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

static FLAGS: OnceLock<Flags> = OnceLock::new();

/// Installs the handlers (once).
pub fn install() -> std::io::Result<()> {
    if FLAGS.get().is_some() {
        return Ok(());
    }
    let flags = Flags {
        any: Arc::new(AtomicBool::new(false)),
        which: Arc::new(AtomicUsize::new(0)),
    };
    for signal in [SIGINT, SIGTERM] {
        // Registered first, so it sees the flag as the earlier signal left it.
        let code = i32::from(super::exit::INTERRUPTED_BASE) + signal;
        signal_hook::flag::register_conditional_shutdown(signal, code, Arc::clone(&flags.any))?;
        signal_hook::flag::register_usize(signal, Arc::clone(&flags.which), signal as usize)?;
        signal_hook::flag::register(signal, Arc::clone(&flags.any))?;
    }
    let _ = FLAGS.set(flags);
    Ok(())
}

/// The signal received, if any.
pub fn received() -> Option<i32> {
    let which = FLAGS.get()?.which.load(Ordering::SeqCst);
    (which != 0).then_some(which as i32)
}

/// Whether the user asked the work to stop.
pub fn requested() -> bool {
    received().is_some()
}
