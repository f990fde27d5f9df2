//! Which writing system a character belongs to, by Unicode block, for the scripts the box
//! draws: enough to pick a font and tell the shaper what it shapes.

/// A writing system, or `Common` (spaces, digits, punctuation: they take the script around
/// them) and `Inherited` (combining marks and joiners: they take the script before them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Common,
    Inherited,
    Latin,
    Greek,
    Cyrillic,
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
    Han,
    /// Hiragana and katakana.
    Kana,
    Hangul,
}

impl Script {
    pub fn of(c: char) -> Script {
        let u = c as u32;
        match u {
            0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA => Script::Latin,
            0xC0..=0x24F if u != 0xD7 && u != 0xF7 => Script::Latin,
            0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
            0x0300..=0x036F | 0x200C | 0x200D | 0xFE00..=0xFE0F => Script::Inherited,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Script::Cyrillic
            }
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF => Script::Arabic,
            0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
            // The dandas are shared by the scripts of India; Devanagari's font has them.
            0x0964 | 0x0965 => Script::Common,
            0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF => Script::Devanagari,
            0x0980..=0x09FF => Script::Bengali,
            0x0A00..=0x0A7F => Script::Gurmukhi,
            0x0A80..=0x0AFF => Script::Gujarati,
            0x0B00..=0x0B7F => Script::Oriya,
            0x0B80..=0x0BFF => Script::Tamil,
            0x0C00..=0x0C7F => Script::Telugu,
            0x0C80..=0x0CFF => Script::Kannada,
            0x0D00..=0x0D7F => Script::Malayalam,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => Script::Hangul,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
            0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3400..=0x4DBF => Script::Han,
            0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Han,
            _ => Script::Common,
        }
    }

    /// True for the scripts written right to left.
    pub fn is_rtl(self) -> bool {
        self == Script::Arabic
    }

    /// True for the scripts drawn by the CJK fonts.
    pub fn is_cjk(self) -> bool {
        matches!(self, Script::Han | Script::Kana | Script::Hangul)
    }

    /// The shaper's name for the script; `None` for `Common` and `Inherited`.
    pub fn shaper_script(self) -> Option<rustybuzz::Script> {
        use rustybuzz::script;
        Some(match self {
            Script::Common | Script::Inherited => return None,
            Script::Latin => script::LATIN,
            Script::Greek => script::GREEK,
            Script::Cyrillic => script::CYRILLIC,
            Script::Devanagari => script::DEVANAGARI,
            Script::Bengali => script::BENGALI,
            Script::Gurmukhi => script::GURMUKHI,
            Script::Gujarati => script::GUJARATI,
            Script::Oriya => script::ORIYA,
            Script::Tamil => script::TAMIL,
            Script::Telugu => script::TELUGU,
            Script::Kannada => script::KANNADA,
            Script::Malayalam => script::MALAYALAM,
            Script::Arabic => script::ARABIC,
            Script::Han => script::HAN,
            Script::Kana => script::HIRAGANA,
            Script::Hangul => script::HANGUL,
        })
    }

    /// The ISO 15924 tag hb-shape takes for the script (`--script`).
    pub fn iso15924(self) -> &'static str {
        match self {
            Script::Common => "Zyyy",
            Script::Inherited => "Zinh",
            Script::Latin => "Latn",
            Script::Greek => "Grek",
            Script::Cyrillic => "Cyrl",
            Script::Devanagari => "Deva",
            Script::Bengali => "Beng",
            Script::Gurmukhi => "Guru",
            Script::Gujarati => "Gujr",
            Script::Oriya => "Orya",
            Script::Tamil => "Taml",
            Script::Telugu => "Telu",
            Script::Kannada => "Knda",
            Script::Malayalam => "Mlym",
            Script::Arabic => "Arab",
            Script::Han => "Hani",
            Script::Kana => "Hira",
            Script::Hangul => "Hang",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_belong_to_their_blocks() {
        assert_eq!(Script::of('a'), Script::Latin);
        assert_eq!(Script::of('é'), Script::Latin);
        assert_eq!(Script::of('க'), Script::Tamil);
        assert_eq!(Script::of('्'), Script::Devanagari);
        assert_eq!(Script::of('ب'), Script::Arabic);
        assert_eq!(Script::of('愛'), Script::Han);
        assert_eq!(Script::of('の'), Script::Kana);
        assert_eq!(Script::of('한'), Script::Hangul);
        assert_eq!(Script::of(' '), Script::Common);
        assert_eq!(Script::of('—'), Script::Common);
        assert_eq!(Script::of('\u{200D}'), Script::Inherited);
    }
}
