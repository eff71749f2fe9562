use std::process::ExitCode;

fn main() -> ExitCode {
    match pirt::run(std::env::args_os()) {
        Ok(code) => code,
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
