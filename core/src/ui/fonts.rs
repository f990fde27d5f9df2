//! The outline fonts for text the built-in bitmap fonts cannot draw (anything beyond
//! ISO 8859-1): which Noto file draws which script, where the files are found, and the
//! loaded faces, read from disk the first time a title needs them and kept from then on.
//!
//! Fonts are looked for, by file name, in the configured font folders and their subfolders:
//! moodbox's own `/usr/share/moodbox/fonts` (the Indic, Arabic, Latin, Greek and Cyrillic
//! faces ship in the package) and the system's `/usr/share/fonts` (Chinese, Japanese and
//! Korean come from Debian's `fonts-noto-cjk`). A script with no font is simply not drawable:
//! the UI then shows the text without it, never boxes or question marks.
//!
//! One book serves the whole process ([`install`] sets it, before the first screen is
//! drawn; otherwise the standard folders are searched).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::script::Script;

/// Where fonts are looked for when no folders are configured.
pub const STANDARD_FONT_DIRS: &[&str] = &["/usr/share/moodbox/fonts", "/usr/share/fonts"];

/// The font files moodbox knows, each with the scripts it draws, best first. The CJK
/// collection holds one face per region: Japanese, Korean, Simplified Chinese.
const FACES: &[(Family, &[(&str, u32)])] = &[
    (Family::Sans, &[("NotoSans-Regular.ttf", 0)]),
    (Family::Devanagari, &[("NotoSansDevanagari-Regular.ttf", 0)]),
    (Family::Bengali, &[("NotoSansBengali-Regular.ttf", 0)]),
    (Family::Gurmukhi, &[("NotoSansGurmukhi-Regular.ttf", 0)]),
    (Family::Gujarati, &[("NotoSansGujarati-Regular.ttf", 0)]),
    (Family::Oriya, &[("NotoSansOriya-Regular.ttf", 0)]),
    (Family::Tamil, &[("NotoSansTamil-Regular.ttf", 0)]),
    (Family::Telugu, &[("NotoSansTelugu-Regular.ttf", 0)]),
    (Family::Kannada, &[("NotoSansKannada-Regular.ttf", 0)]),
    (Family::Malayalam, &[("NotoSansMalayalam-Regular.ttf", 0)]),
    (Family::Arabic, &[("NotoSansArabic-Regular.ttf", 0)]),
    (
        Family::Japanese,
        &[
            ("NotoSansCJK-Regular.ttc", 0),
            ("NotoSansCJKjp-Regular.otf", 0),
        ],
    ),
    (
        Family::Korean,
        &[
            ("NotoSansCJK-Regular.ttc", 1),
            ("NotoSansCJKkr-Regular.otf", 0),
        ],
    ),
    (
        Family::Chinese,
        &[
            ("NotoSansCJK-Regular.ttc", 2),
            ("NotoSansCJKsc-Regular.otf", 0),
        ],
    ),
];

/// A face for one group of scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Latin, Greek, Cyrillic and the common punctuation.
    Sans,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Oriya,
    Tamil,
    Telugu,
    Kannada,
    Malayalam,
    Arabic,
    Japanese,
    Korean,
    Chinese,
}

impl Family {
    /// True for the faces of the (large) CJK font files.
    pub fn is_cjk(self) -> bool {
        matches!(self, Family::Japanese | Family::Korean | Family::Chinese)
    }

    /// The face that draws `script`; `Han` text is drawn Japanese when it holds kana, Korean
    /// when it holds Hangul, else Chinese (the caller decides with [`Family::for_han`]).
    pub fn for_script(script: Script) -> Option<Family> {
        Some(match script {
            Script::Latin | Script::Greek | Script::Cyrillic | Script::Common => Family::Sans,
            Script::Devanagari => Family::Devanagari,
            Script::Bengali => Family::Bengali,
            Script::Gurmukhi => Family::Gurmukhi,
            Script::Gujarati => Family::Gujarati,
            Script::Oriya => Family::Oriya,
            Script::Tamil => Family::Tamil,
            Script::Telugu => Family::Telugu,
            Script::Kannada => Family::Kannada,
            Script::Malayalam => Family::Malayalam,
            Script::Arabic => Family::Arabic,
            Script::Kana => Family::Japanese,
            Script::Hangul => Family::Korean,
            Script::Han => Family::Chinese,
            Script::Inherited => return None,
        })
    }

    /// The CJK face for a text: Japanese if it holds kana, Korean if Hangul, else Chinese.
    pub fn for_han(text: &str) -> Family {
        let scripts: Vec<Script> = text.chars().map(Script::of).collect();
        if scripts.contains(&Script::Kana) {
            Family::Japanese
        } else if scripts.contains(&Script::Hangul) {
            Family::Korean
        } else {
            Family::Chinese
        }
    }
}

/// A loaded face: the file's bytes (kept for the life of the process) parsed for shaping.
pub struct Face {
    pub family: Family,
    /// The file name, e.g. `NotoSansTamil-Regular.ttf`.
    pub file: String,
    pub index: u32,
    pub shaper: rustybuzz::Face<'static>,
}

impl Face {
    /// True when the face has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some_and(|g| g.0 != 0)
    }
}

/// The fonts found in a set of folders, each loaded on first use.
pub struct FontBook {
    files: HashMap<Family, (PathBuf, u32)>,
    loaded: HashMap<Family, OnceLock<Option<Face>>>,
    /// Each file's bytes, read once even when several faces come from it.
    data: HashMap<PathBuf, OnceLock<Option<&'static [u8]>>>,
}

impl FontBook {
    /// Finds the known font files under `dirs` (searched in order, subfolders included; the
    /// first file of a name wins).
    pub fn from_dirs<P: AsRef<Path>>(dirs: &[P]) -> FontBook {
        let mut found: HashMap<String, PathBuf> = HashMap::new();
        for dir in dirs {
            collect_files(dir.as_ref(), 0, &mut found);
        }
        let mut files = HashMap::new();
        for (family, names) in FACES {
            let file = names
                .iter()
                .find_map(|(name, index)| Some((found.get(*name)?.clone(), *index)));
            if let Some(file) = file {
                files.insert(*family, file);
            }
        }
        let loaded = files.keys().map(|f| (*f, OnceLock::new())).collect();
        let data = files
            .values()
            .map(|(path, _)| (path.clone(), OnceLock::new()))
            .collect();
        FontBook {
            files,
            loaded,
            data,
        }
    }

    /// The standard folders ([`STANDARD_FONT_DIRS`]).
    pub fn standard() -> FontBook {
        FontBook::from_dirs(STANDARD_FONT_DIRS)
    }

    /// The families with a font file, loaded or not.
    pub fn families(&self) -> Vec<Family> {
        let mut families: Vec<Family> = self.files.keys().copied().collect();
        families.sort();
        families
    }

    /// The face for `family`, read and parsed now if this is its first use; `None` when the
    /// family has no file or the file does not read as a font.
    pub fn face(&self, family: Family) -> Option<&Face> {
        let (path, index) = self.files.get(&family)?;
        self.loaded
            .get(&family)?
            .get_or_init(|| {
                let bytes = (*self.data.get(path)?.get_or_init(|| read(path)))?;
                load(family, path, bytes, *index)
            })
            .as_ref()
    }

    /// The family that draws `c`: `wanted` if its face has it, else the Latin face, else
    /// any other face (the CJK faces only for CJK characters, as they are large to load).
    pub fn family_for(&self, c: char, wanted: Family) -> Option<Family> {
        let has = |family: Family| self.face(family).is_some_and(|face| face.has(c));
        if has(wanted) {
            return Some(wanted);
        }
        if has(Family::Sans) {
            return Some(Family::Sans);
        }
        let cjk = Script::of(c).is_cjk();
        self.families()
            .into_iter()
            .filter(|f| cjk || !f.is_cjk())
            .find(|&f| has(f))
    }

    /// True when some face draws `c`.
    pub fn draws(&self, c: char) -> bool {
        let script = Script::of(c);
        let wanted = if script.is_cjk() {
            Family::for_han(c.encode_utf8(&mut [0; 4]))
        } else {
            Family::for_script(script).unwrap_or(Family::Sans)
        };
        self.family_for(c, wanted).is_some()
    }
}

/// A font file's bytes, kept until the process ends (faces borrow them).
fn read(path: &Path) -> Option<&'static [u8]> {
    match std::fs::read(path) {
        Ok(bytes) => Some(Box::leak(bytes.into_boxed_slice())),
        Err(error) => {
            tracing::warn!("cannot read the font {}: {error}", path.display());
            None
        }
    }
}

fn load(family: Family, path: &Path, bytes: &'static [u8], index: u32) -> Option<Face> {
    let Some(shaper) = rustybuzz::Face::from_slice(bytes, index) else {
        tracing::warn!("{} is not a font moodbox can read", path.display());
        return None;
    };
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(Face {
        family,
        file,
        index,
        shaper,
    })
}

/// Adds the font files under `dir` (a few levels deep) to `found`, by file name.
fn collect_files(dir: &Path, depth: usize, found: &mut HashMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if depth < 4 {
                collect_files(&path, depth + 1, found);
            }
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            let is_font = [".ttf", ".otf", ".ttc"].iter().any(|e| name.ends_with(e));
            if is_font && !found.contains_key(name) {
                found.insert(name.to_string(), path.clone());
            }
        }
    }
}

static BOOK: OnceLock<FontBook> = OnceLock::new();

/// Makes `book` the process's fonts; false if a book was already in use (it stays).
pub fn install(book: FontBook) -> bool {
    BOOK.set(book).is_ok()
}

/// The process's fonts: the installed book, else the standard folders.
pub fn book() -> &'static FontBook {
    BOOK.get_or_init(FontBook::standard)
}
