use std::process::ExitCode;

fn main() -> ExitCode {
    match pirt::run(std::env::args_os()) {
        Ok(code) => code,
        // `pirt render ... | head`: the reader left; that is not an error.
        Err(err)
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            match err.downcast_ref::<pirt::diagnostic::InvalidFile>() {
                // Already `path:line:col: error[rule]: message` with the source line.
                Some(invalid) => eprintln!("{invalid}"),
                None => eprintln!("error: {err:#}"),
            }
            ExitCode::from(2)
        }
    }
}
