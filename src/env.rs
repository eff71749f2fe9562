//! The process environment, read once at start and passed down as a value. No other module
//! calls `std::env::var`: commands and the domain get what they need from [`Env`].
//!
//! Every setting is looked up in one order: **a flag > its environment variable >
//! pirt.toml > the built-in default**. The config file itself: `--config PATH` >
//! `PIRT_CONFIG` > the nearest pirt.toml upwards from the working directory > built-in
//! defaults. Today: `PIRT_TODAY` > the clock in the configured zone. Now: `PIRT_NOW` > (for
//! `pirt check`, the end of `PIRT_TODAY`) > the clock. The LLM settings follow the same
//! order (`llm::Settings::resolve`, through [`Env::var`]: its key variable is named in
//! pirt.toml, so it is the one lookup made later, by name).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::review::time::parse_rfc3339;

/// What pirt reads from its environment. Empty variables count as unset.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// `PIRT_CONFIG`: the config file to use instead of searching for pirt.toml.
    pub config_path: Option<PathBuf>,
    /// `PIRT_TODAY` (YYYY-MM-DD, checked when a command needs today).
    pub today: Option<String>,
    /// `PIRT_NOW` (RFC 3339, checked when a command needs now).
    pub now: Option<String>,
    /// `NO_COLOR` is set: no colours unless `--color always`.
    pub no_color: bool,
    /// `TERM` names a terminal rustyline cannot edit on (dumb, cons25, emacs).
    pub plain_terminal: bool,
    /// `SOURCE_DATE_EPOCH`: the date of generated man pages (reproducible builds).
    pub source_date_epoch: Option<String>,
    /// The working directory.
    pub cwd: PathBuf,
    /// Every variable, for the lookups by name (`[llm] api_key_env`, PIRT_LLM_*).
    vars: Vec<(OsString, OsString)>,
}

impl Env {
    /// Reads the process's environment.
    pub fn read() -> anyhow::Result<Self> {
        Ok(Self::from_vars(
            std::env::vars_os(),
            std::env::current_dir()?,
        ))
    }

    /// The environment given by its variables (tests build one without touching the
    /// process's).
    pub fn from_vars(vars: impl IntoIterator<Item = (OsString, OsString)>, cwd: PathBuf) -> Self {
        let vars: Vec<(OsString, OsString)> =
            vars.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.to_string_lossy().into_owned())
        };
        let (config_path, today, now) = (get("PIRT_CONFIG"), get("PIRT_TODAY"), get("PIRT_NOW"));
        let no_color = get("NO_COLOR").is_some();
        let plain_terminal =
            get("TERM").is_some_and(|t| ["dumb", "cons25", "emacs"].contains(&t.as_str()));
        let source_date_epoch = get("SOURCE_DATE_EPOCH");
        Env {
            config_path: config_path.map(PathBuf::from),
            today,
            now,
            no_color,
            plain_terminal,
            source_date_epoch,
            cwd,
            vars,
        }
    }

    /// A variable by name, for settings whose variable is only known later (the LLM key
    /// named by `[llm] api_key_env`, `PIRT_LLM_MODEL`, ...).
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.to_str().map(str::to_string))
    }

    /// The config file named: `--config` first, then `PIRT_CONFIG`.
    pub fn config_file<'a>(&'a self, flag: Option<&'a Path>) -> Option<&'a Path> {
        flag.or(self.config_path.as_deref())
    }

    /// Today in `zone`; `PIRT_TODAY` fixes it (tests, reproducible CI runs).
    pub fn today(&self, zone: Tz) -> anyhow::Result<NaiveDate> {
        match &self.today {
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                anyhow::anyhow!("PIRT_TODAY=`{text}` is not a date; write YYYY-MM-DD")
            }),
            None => Ok(Utc::now().with_timezone(&zone).date_naive()),
        }
    }

    /// The clock: fixed by `PIRT_NOW` (RFC 3339), else the system's.
    pub fn clock(&self) -> anyhow::Result<Clock> {
        match &self.now {
            Some(text) => parse_rfc3339(text)
                .map(|t| Clock::Fixed(t.with_timezone(&Utc)))
                .map_err(|e| anyhow::anyhow!("PIRT_NOW=`{text}`: {e}")),
            None => Ok(Clock::System),
        }
    }

    /// Now for `pirt check`: `PIRT_NOW` if set; else, when `PIRT_TODAY` fixes the day, the
    /// end of that day in `zone` (repeatable runs); else the clock.
    pub fn check_now(&self, zone: Tz) -> anyhow::Result<DateTime<Utc>> {
        if self.now.is_some() {
            return Ok(self.clock()?.now());
        }
        if self.today.is_some() {
            let end = self
                .today(zone)?
                .and_hms_opt(23, 59, 59)
                .expect("a valid time");
            if let Some(t) = zone.from_local_datetime(&end).earliest() {
                return Ok(t.with_timezone(&Utc));
            }
        }
        Ok(Utc::now())
    }
}

/// Where now comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// `PIRT_NOW`: the same instant on every call.
    Fixed(DateTime<Utc>),
    System,
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(
            vars.iter().map(|(k, v)| (k.into(), v.into())),
            PathBuf::from("/w"),
        )
    }

    #[test]
    fn empty_variables_are_unset_and_flags_come_first() {
        let e = env(&[("PIRT_CONFIG", ""), ("NO_COLOR", ""), ("TERM", "dumb")]);
        assert_eq!(e.config_path, None);
        assert!(!e.no_color);
        assert!(e.plain_terminal);
        let e = env(&[("PIRT_CONFIG", "a.toml"), ("NO_COLOR", "1")]);
        assert!(e.no_color);
        assert_eq!(e.config_file(None), Some(Path::new("a.toml")));
        assert_eq!(
            e.config_file(Some(Path::new("b.toml"))),
            Some(Path::new("b.toml"))
        );
    }

    #[test]
    fn today_and_now_are_fixed_by_their_variables() {
        let e = env(&[("PIRT_TODAY", "2026-11-25")]);
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(e.today(chrono_tz::UTC).unwrap(), day);
        assert_eq!(
            e.check_now(chrono_tz::UTC).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 25, 23, 59, 59).unwrap()
        );
        let e = env(&[
            ("PIRT_TODAY", "2026-11-25"),
            ("PIRT_NOW", "2026-11-20T10:00:00Z"),
        ]);
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        assert_eq!(e.check_now(chrono_tz::UTC).unwrap(), now);
        assert_eq!(e.clock().unwrap(), Clock::Fixed(now));
        let bad = env(&[("PIRT_TODAY", "soon"), ("PIRT_NOW", "later")]);
        assert!(
            bad.today(chrono_tz::UTC)
                .unwrap_err()
                .to_string()
                .contains("PIRT_TODAY=`soon`")
        );
        assert!(
            bad.clock()
                .unwrap_err()
                .to_string()
                .starts_with("PIRT_NOW=`later`")
        );
        assert_eq!(env(&[]).clock().unwrap(), Clock::System);
    }
}
