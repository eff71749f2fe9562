//! One module per subcommand: load what it needs, call the domain, print.

pub mod actions;
pub mod cache;
pub mod check;
pub mod completions;
pub mod draft;
pub mod import;
pub mod init;
pub mod lsp;
pub mod man;
pub mod new;
pub mod problem;
pub mod render;
pub mod schema;
pub mod site;
pub mod stats;
pub mod timeline;

use std::path::Path;

use crate::config::Config;
use crate::env::Env;
pub use crate::ui::Output;

/// The config every command but `init`, `man` and `completions` runs with: `--config`,
/// else `PIRT_CONFIG`, else the nearest pirt.toml, else the built-in defaults.
pub fn load_config(flag: Option<&Path>, env: &Env, out: &Output) -> anyhow::Result<Config> {
    let config = Config::discover(flag, env.config_path.as_deref(), &env.cwd)?;
    if out.verbose {
        match &config.path {
            Some(path) => errln!("using config {}", path.display()),
            None => errln!("no pirt.toml found; using built-in defaults"),
        }
    }
    Ok(config)
}
