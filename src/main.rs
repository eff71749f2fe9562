use std::process::ExitCode;

fn main() -> ExitCode {
    match pirt::cli::run(std::env::args_os()) {
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
            pirt::errln!("{}", pirt::error_text(&err));
            ExitCode::from(2)
        }
    }
}
