//! Finding where a key sits in a TOML file, and suggesting the key a typo meant.

/// The 1-based line of `key` in `[section]` of `text`, else the section header's line.
/// `key` may carry an index (`languages[1]`); the line of `languages` is returned.
pub fn line_of(text: &str, section: &str, key: &str) -> Option<usize> {
    let bare_key = key.split(['[', '.']).next().unwrap_or(key).trim();
    let mut in_section = false;
    let mut header_line = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let name = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            in_section = name == section;
            if in_section {
                header_line = Some(i + 1);
            }
            continue;
        }
        if in_section {
            if let Some((k, _)) = trimmed.split_once('=') {
                if k.trim().trim_matches('"') == bare_key {
                    return Some(i + 1);
                }
            }
        }
    }
    header_line
}

/// The dotted key (`display.width`) set on 1-based `line`, if that line sets one.
pub fn key_at(text: &str, line: usize) -> Option<String> {
    let mut section = String::new();
    for (i, l) in text.lines().enumerate() {
        let trimmed = l.trim();
        if trimmed.starts_with('[') {
            section = trimmed
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
        } else if i + 1 == line {
            let key = trimmed.split_once('=')?.0.trim().trim_matches('"');
            return Some(if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            });
        }
        if i + 1 >= line {
            break;
        }
    }
    None
}

/// The 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = if ca == *cb { prev } else { prev + 1 };
            prev = row[j + 1];
            row[j + 1] = cost.min(row[j] + 1).min(prev + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "# comment\n[camera]\nwidth = 640\n\n[library]\nlanguages = [\"ta\", \"xx\"]\n";

    #[test]
    fn finds_keys_within_their_section() {
        assert_eq!(line_of(TEXT, "camera", "width"), Some(3));
        assert_eq!(line_of(TEXT, "library", "languages[1]"), Some(6));
        assert_eq!(
            line_of(TEXT, "library", "policy"),
            Some(5),
            "falls back to the header"
        );
        assert_eq!(line_of(TEXT, "audio", "device"), None);
        assert_eq!(line_col(TEXT, TEXT.find("640").unwrap()), (3, 9));
        assert_eq!(key_at(TEXT, 3).as_deref(), Some("camera.width"));
        assert_eq!(key_at(TEXT, 2), None, "a header sets no key");
    }

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["frames_per_scan", "control_socket", "width"];
        assert_eq!(closest("frame_per_scan", keys), Some("frames_per_scan"));
        assert_eq!(closest("widht", keys), Some("width"));
        assert_eq!(closest("volume", keys), None);
    }
}
