//! Folder conventions: `<root>/<language>/<mood>/...`, or either level alone
//! (`<root>/<mood>/...`, `<root>/<language>/...`), in either order, case-insensitive, with
//! mood synonyms and language codes or names ("Tamil/Relaxing/song.mp3",
//! "happy/hi/song.ogg", "English/artist/album/song.flac").
//!
//! Only the first two folder levels under the root count, so an album called "Blue" deeper
//! down does not become a mood.

use std::path::{Component, Path};

use moodbox_core::language::language_of_folder;
use moodbox_core::mood::Mood;

/// What the folders above a song say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderHints {
    pub language: Option<String>,
    pub mood: Option<Mood>,
}

/// Reads the hints for `file` (a path under `root`).
pub fn folder_hints(root: &Path, file: &Path) -> FolderHints {
    let mut hints = FolderHints::default();
    let Ok(relative) = file.strip_prefix(root) else {
        return hints;
    };
    let folders: Vec<&str> = match relative.parent() {
        Some(parent) => parent
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => name.to_str(),
                _ => None,
            })
            .take(2)
            .collect(),
        None => Vec::new(),
    };
    for name in folders {
        if hints.mood.is_none() {
            if let Some(mood) = Mood::from_word(name) {
                hints.mood = Some(mood);
                continue;
            }
        }
        if hints.language.is_none() {
            hints.language = language_of_folder(name);
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(relative: &str) -> FolderHints {
        folder_hints(Path::new("/music"), &Path::new("/music").join(relative))
    }

    #[test]
    fn language_then_mood() {
        let h = hints("Tamil/Relaxing/song.mp3");
        assert_eq!(h.language.as_deref(), Some("ta"));
        assert_eq!(h.mood, Some(Mood::Calm));
        let h = hints("hi/SAD/x.flac");
        assert_eq!(h.language.as_deref(), Some("hi"));
        assert_eq!(h.mood, Some(Mood::Sad));
    }

    #[test]
    fn either_level_alone_and_either_order() {
        assert_eq!(
            hints("joyful/a.ogg"),
            FolderHints {
                language: None,
                mood: Some(Mood::Happy)
            }
        );
        assert_eq!(
            hints("english/Artist/Album/a.ogg"),
            FolderHints {
                language: Some("en".into()),
                mood: None
            }
        );
        assert_eq!(
            hints("Aggressive/eng/a.ogg"),
            FolderHints {
                language: Some("en".into()),
                mood: Some(Mood::Energetic)
            }
        );
    }

    #[test]
    fn deeper_folders_and_plain_names_say_nothing() {
        assert_eq!(hints("Artist/Album/Blue/a.mp3"), FolderHints::default());
        assert_eq!(hints("a.mp3"), FolderHints::default());
        assert_eq!(
            folder_hints(Path::new("/music"), Path::new("/elsewhere/sad/a.mp3")),
            FolderHints::default()
        );
    }
}
