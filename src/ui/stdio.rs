//! Standard output and error that a closed pipe cannot stop.
//!
//! `pirt check | head -1`, or a CI step that closes stderr early: the command must still
//! finish its work and exit with the code it would have had. `println!` panics on EPIPE
//! (exit 101) and `writeln!(..)?` would abort the command half-way, so every print goes
//! through these writers, which drop output once the reader is gone and report success.

use std::io::{self, Write};

/// A writer that turns "the reader has gone" (EPIPE) into a silent success.
pub struct Forgiving<W: Write> {
    inner: W,
    gone: bool,
}

impl<W: Write> Forgiving<W> {
    pub fn new(inner: W) -> Self {
        Forgiving { inner, gone: false }
    }
}

fn reader_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

impl<W: Write> Write for Forgiving<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if reader_gone(&e) => {
                self.gone = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if reader_gone(&e) => {
                self.gone = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Standard output, locked, forgiving a closed pipe.
pub fn stdout() -> Forgiving<io::StdoutLock<'static>> {
    Forgiving::new(io::stdout().lock())
}

/// Standard error, locked, forgiving a closed pipe.
pub fn stderr() -> Forgiving<io::StderrLock<'static>> {
    Forgiving::new(io::stderr().lock())
}

/// `println!` that never panics: output to a closed pipe is dropped.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!($crate::ui::stdio::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that never panics: output to a closed stream is dropped.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!($crate::ui::stdio::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics.
#[macro_export]
macro_rules! errprint {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let mut e = $crate::ui::stdio::stderr();
        let _ = write!(e, $($arg)*);
        let _ = e.flush();
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
    }

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::StorageFull))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_a_silent_success() {
        let mut w = Forgiving::new(Closed);
        assert!(writeln!(w, "hello").is_ok());
        assert!(w.flush().is_ok());
        assert!(w.gone);
    }

    #[test]
    fn other_errors_are_still_errors() {
        let mut w = Forgiving::new(Full);
        assert!(writeln!(w, "hello").is_err());
    }
}
