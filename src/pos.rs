//! Where something is written in a file. The lowest layer: the YAML tree, the typed review
//! and diagnostics all point with it.

/// Where a node starts in the file: 1-based line and character column, and a byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    /// Length in bytes of the scalar at this position (0 for collections).
    pub len: usize,
}

impl Pos {
    /// The start of a file (line 1, column 1): where findings about a whole file point.
    pub const START: Pos = Pos {
        line: 1,
        column: 1,
        offset: 0,
        len: 0,
    };
}

/// A value with where it is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        Spanned { value, pos }
    }
}
