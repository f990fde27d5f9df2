//! Song languages: whatever a tag, folder or the config says ("ta", "tam", "Tamil", "தமிழ்",
//! "en-GB", "English", "cmn") becomes one ISO 639-1 code ("ta", "en", "zh").
//!
//! ID3's TLAN frame holds ISO 639-2 codes ("eng", "tam", "hin"); Vorbis LANGUAGE fields and
//! folder names hold anything from codes to English or native names. Codes that mean "no
//! language" (`zxx`, `und`, `mul`, `mis`) read as unknown. A two-letter code that is not in
//! the table below is still taken as an ISO 639-1 code; any other unrecognised word is
//! unknown, so a folder called "Rock" is never mistaken for a language.

use crate::mood::normalise_word;

/// One language: its ISO 639-1 code, ISO 639-2 codes (T and B forms) and the ISO 639-3
/// codes that differ from them (individual languages of a macrolanguage: "cmn", "arb"), and
/// its names, English first, then its own.
struct Language {
    code: &'static str,
    iso639_2: &'static [&'static str],
    names: &'static [&'static str],
}

macro_rules! languages {
    ($(($code:literal, [$($three:literal),*], [$($name:literal),*])),* $(,)?) => {
        &[$(Language { code: $code, iso639_2: &[$($three),*], names: &[$($name),*] }),*]
    };
}

const LANGUAGES: &[Language] = languages![
    ("en", ["eng"], ["english"]),
    ("ta", ["tam"], ["tamil", "தமிழ்"]),
    ("hi", ["hin"], ["hindi", "हिन्दी", "हिंदी"]),
    ("te", ["tel"], ["telugu", "తెలుగు"]),
    ("ml", ["mal"], ["malayalam", "മലയാളം"]),
    ("kn", ["kan"], ["kannada", "ಕನ್ನಡ"]),
    ("bn", ["ben"], ["bengali", "bangla", "বাংলা"]),
    ("mr", ["mar"], ["marathi", "मराठी"]),
    ("gu", ["guj"], ["gujarati", "ગુજરાતી"]),
    ("pa", ["pan", "pnb"], ["punjabi", "panjabi", "ਪੰਜਾਬੀ"]),
    ("ur", ["urd"], ["urdu", "اردو"]),
    ("or", ["ori", "ory"], ["odia", "oriya", "ଓଡ଼ିଆ"]),
    ("as", ["asm"], ["assamese", "অসমীয়া"]),
    ("sa", ["san"], ["sanskrit", "संस्कृतम्"]),
    ("ne", ["nep", "npi"], ["nepali", "नेपाली"]),
    ("si", ["sin"], ["sinhala", "sinhalese", "සිංහල"]),
    (
        "es",
        ["spa"],
        ["spanish", "español", "espanol", "castellano"]
    ),
    ("fr", ["fra", "fre"], ["french", "français", "francais"]),
    ("de", ["deu", "ger"], ["german", "deutsch"]),
    ("it", ["ita"], ["italian", "italiano"]),
    ("pt", ["por"], ["portuguese", "português", "portugues"]),
    ("nl", ["nld", "dut"], ["dutch", "nederlands"]),
    ("sv", ["swe"], ["swedish", "svenska"]),
    ("no", ["nor", "nob", "nno"], ["norwegian", "norsk"]),
    ("da", ["dan"], ["danish", "dansk"]),
    ("fi", ["fin"], ["finnish", "suomi"]),
    ("is", ["isl", "ice"], ["icelandic", "íslenska"]),
    ("ga", ["gle"], ["irish", "gaeilge"]),
    ("cy", ["cym", "wel"], ["welsh", "cymraeg"]),
    ("pl", ["pol"], ["polish", "polski"]),
    ("cs", ["ces", "cze"], ["czech", "čeština"]),
    ("sk", ["slk", "slo"], ["slovak", "slovenčina"]),
    ("hu", ["hun"], ["hungarian", "magyar"]),
    ("ro", ["ron", "rum"], ["romanian", "română"]),
    ("bg", ["bul"], ["bulgarian", "български"]),
    ("hr", ["hrv"], ["croatian", "hrvatski"]),
    ("sr", ["srp"], ["serbian", "српски", "srpski"]),
    ("sl", ["slv"], ["slovenian", "slovene", "slovenščina"]),
    ("el", ["ell", "gre"], ["greek", "ελληνικά"]),
    ("ru", ["rus"], ["russian", "русский"]),
    ("uk", ["ukr"], ["ukrainian", "українська"]),
    ("tr", ["tur"], ["turkish", "türkçe"]),
    ("ar", ["ara", "arb"], ["arabic", "العربية"]),
    ("he", ["heb"], ["hebrew", "עברית"]),
    ("fa", ["fas", "per", "pes"], ["persian", "farsi", "فارسی"]),
    ("sw", ["swa", "swh"], ["swahili", "kiswahili"]),
    ("am", ["amh"], ["amharic", "አማርኛ"]),
    ("yo", ["yor"], ["yoruba", "yorùbá"]),
    ("zu", ["zul"], ["zulu", "isizulu"]),
    ("af", ["afr"], ["afrikaans"]),
    (
        "zh",
        ["zho", "chi", "cmn", "yue"],
        ["chinese", "mandarin", "cantonese", "中文", "普通话", "國語"]
    ),
    ("ja", ["jpn"], ["japanese", "日本語"]),
    ("ko", ["kor"], ["korean", "한국어"]),
    ("vi", ["vie"], ["vietnamese", "tiếngviệt"]),
    ("th", ["tha"], ["thai", "ไทย"]),
    ("id", ["ind"], ["indonesian", "bahasaindonesia"]),
    ("ms", ["msa", "may", "zsm"], ["malay", "bahasamelayu"]),
    ("tl", ["tgl", "fil"], ["tagalog", "filipino"]),
    ("la", ["lat"], ["latin", "latina"]),
    ("et", ["est", "ekk"], ["estonian", "eesti"]),
    ("lv", ["lav", "lvs"], ["latvian", "latviešu"]),
    ("lt", ["lit"], ["lithuanian", "lietuvių"]),
    ("mk", ["mkd", "mac"], ["macedonian", "македонски"]),
];

/// ISO 639-2 codes that say there is no single language.
const NO_LANGUAGE: &[&str] = &["zxx", "und", "mul", "mis", "xxx"];

/// The ISO 639-1 code for a tag value or config entry, or `None` when the text names no
/// language. Region suffixes are dropped ("en-GB", "pt_BR" → "en", "pt"). Two-letter codes
/// missing from moodbox's table are accepted as they are.
pub fn normalise_language(text: &str) -> Option<String> {
    lookup(text, true)
}

/// Like [`normalise_language`], but only for languages in moodbox's table, so that folder
/// names such as "Up" or "DJ" are not taken for language codes.
pub fn language_of_folder(name: &str) -> Option<String> {
    lookup(name, false)
}

fn lookup(text: &str, accept_unlisted_codes: bool) -> Option<String> {
    let trimmed = text.trim().trim_matches('\0');
    if trimmed.is_empty() {
        return None;
    }
    let base = strip_region(trimmed);
    let word = normalise_word(base);
    if word.is_empty() || NO_LANGUAGE.contains(&word.as_str()) {
        return None;
    }
    if let Some(lang) = LANGUAGES.iter().find(|l| {
        l.code == word || l.iso639_2.contains(&word.as_str()) || l.names.contains(&word.as_str())
    }) {
        return Some(lang.code.to_string());
    }
    let is_two_letter_code = word.len() == 2 && word.bytes().all(|b| b.is_ascii_lowercase());
    (accept_unlisted_codes && is_two_letter_code).then_some(word)
}

/// The lowercase English name for a code in the table ("ta" → "tamil"), for display.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|l| l.code == code)
        .and_then(|l| l.names.first().copied())
}

/// "en-GB" → "en", "pt_BR" → "pt"; anything else unchanged.
fn strip_region(text: &str) -> &str {
    match text.split_once(['-', '_']) {
        Some((head, tail))
            if (2..=3).contains(&head.len())
                && head.chars().all(|c| c.is_ascii_alphabetic())
                && (2..=4).contains(&tail.len())
                && tail.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            head
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_become_iso_639_1() {
        for text in ["ta", "TA", "tam", "Tamil", "TAMIL", "தமிழ்"] {
            assert_eq!(normalise_language(text).as_deref(), Some("ta"), "{text}");
        }
        for text in ["hi", "hin", "Hindi", "हिन्दी"] {
            assert_eq!(normalise_language(text).as_deref(), Some("hi"), "{text}");
        }
        for text in ["en", "eng", "English", "en-GB", "en_US"] {
            assert_eq!(normalise_language(text).as_deref(), Some("en"), "{text}");
        }
        for text in ["or", "ori", "ory", "Odia", "ଓଡ଼ିଆ"] {
            assert_eq!(normalise_language(text).as_deref(), Some("or"), "{text}");
        }
        for text in ["zh", "zho", "chi", "cmn", "yue", "Chinese", "中文"] {
            assert_eq!(normalise_language(text).as_deref(), Some("zh"), "{text}");
        }
        assert_eq!(normalise_language("arb").as_deref(), Some("ar"));
        assert_eq!(normalise_language("fre").as_deref(), Some("fr"));
        assert_eq!(normalise_language("pt-BR").as_deref(), Some("pt"));
    }

    #[test]
    fn non_languages_are_unknown() {
        for text in [
            "", "  ", "zxx", "und", "mul", "Rock", "Happy", "Albums", "2019", "a1",
        ] {
            assert_eq!(normalise_language(text), None, "{text}");
        }
    }

    #[test]
    fn unlisted_two_letter_codes_pass_through() {
        assert_eq!(normalise_language("eu").as_deref(), Some("eu"));
        assert_eq!(language_of_folder("eu"), None);
        assert_eq!(language_of_folder("Up"), None);
        assert_eq!(language_of_folder("Tamil").as_deref(), Some("ta"));
        assert_eq!(language_name("ta"), Some("tamil"));
    }
}
