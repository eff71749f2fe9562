//! The slack reader (SPEC §7.1). Not built yet: issue 12 fills it in.

use std::path::Path;

use super::{Export, Options};

pub fn read(path: &Path, _options: &Options) -> Result<Export, String> {
    Err(format!(
        "{}: reading slack exports is not built yet",
        path.display()
    ))
}
