//! The pagerduty reader (SPEC §7.1). Not built yet: issue 12 fills it in.

use std::path::Path;

use super::{Export, Options};

pub fn read(path: &Path, _options: &Options) -> Result<Export, String> {
    Err(format!(
        "{}: reading pagerduty exports is not built yet",
        path.display()
    ))
}
