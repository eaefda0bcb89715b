//! YAML syntax errors in Finnish. serde_yaml and libyaml explain problems in
//! English ("mapping values are not allowed in this context", "duplicate
//! entry with key"); an editor gets a Finnish message with a help line, at
//! the place to fix: a duplicate key at its second occurrence, a number too
//! large for any field at the number.

use super::yaml::{entries, is_item, key_of};

/// The sentence and help for one YAML error, given serde_yaml's text.
pub struct Explained {
    pub message: String,
    pub help: String,
    /// For a duplicate key: the key, to be located at its second occurrence.
    pub duplicate: Option<String>,
}

/// The range of `Ty::Int` values, as editors read it.
pub const INT_RANGE: &str = "−1 000 000 000 … 1 000 000 000";

const DEFAULT_HELP: &str = "tarkista sisennys, kaksoispisteet ja lainausmerkit; teksti, jossa on `: `, kirjoitetaan lainausmerkkeihin";

/// (what serde_yaml or libyaml says, Finnish explanation, help).
const KNOWN: &[(&[&str], &str, &str)] = &[
    (
        &["recursion limit exceeded"],
        "tiedot ovat liian syvälle sisäkkäin",
        "kirjoita listat ja kenttäryhmät tavallisesti, yksi kohta riviä kohden",
    ),
    (
        &["repetition limit exceeded"],
        "tiedoissa on liikaa viittauksia (`&ankkuri` ja `*viittaus`)",
        "kirjoita arvot auki ilman YAML-viittauksia",
    ),
    (
        &["unknown anchor", "found undefined alias"],
        "viittaus `*…` osoittaa ankkuriin, jota ei ole",
        "poista `*`-viittaus tai kirjoita arvo auki",
    ),
    (
        &["mapping values are not allowed"],
        "rivillä on ylimääräinen kaksoispiste",
        "teksti, jossa on `: `, kirjoitetaan lainausmerkkeihin, esim. `title: \"Otsikko: alaotsikko\"`",
    ),
    (
        &["did not find expected '-' indicator", "block sequence entries are not allowed"],
        "listan kohta on väärin sisennetty",
        "kirjoita listan kohdat `- `-merkillä samaan sarakkeeseen",
    ),
    (
        &["did not find expected ',' or", "while parsing a flow"],
        "hakasulkeissa `[ ]` tai aaltosulkeissa `{ }` oleva luettelo on kesken",
        "sulje luettelo ja erota kohdat pilkuilla; kohta, jossa on pilkku tai kaksoispiste, kirjoitetaan lainausmerkkeihin",
    ),
    (
        &["found unexpected end of stream", "while scanning a quoted scalar"],
        "lainausmerkit jäivät sulkematta",
        "lisää arvon loppuun puuttuva lainausmerkki",
    ),
    (
        &["found unknown escape character", "found invalid Unicode character escape"],
        "lainausmerkkien sisällä on tuntematon `\\`-merkintä",
        "kirjoita kenoviiva kahdesti (`\\\\`) tai käytä heittomerkkejä `'…'`",
    ),
    (
        &["found character that cannot start any token"],
        "arvo alkaa merkillä, jolla YAML-arvo ei voi alkaa (esim. `@`, `` ` `` tai `%`)",
        "kirjoita arvo lainausmerkkeihin",
    ),
    (
        &["found undefined tag handle", "empty YAML tag", "did not find expected tag", "while parsing a tag"],
        "arvossa on tuntematon `!`-merkintä",
        "kirjoita arvo lainausmerkkeihin",
    ),
    (&["control characters are not allowed"], "tiedoissa on näkymätön ohjausmerkki", "poista merkki tai kirjoita rivi uudelleen"),
    (
        &["more than one document", "found unexpected document indicator"],
        "tiedoissa on ylimääräinen `---`- tai `...`-rivi",
        "alkutiedoissa saa olla vain yksi `---`-rivien rajaama osa",
    ),
    (
        &["did not find expected key", "could not find expected ':'", "while scanning a simple key", "while parsing a block mapping"],
        "rivi ei ole muotoa `avain: arvo` tai sen sisennys on väärä",
        "tarkista sisennys: saman ryhmän kentät alkavat samasta sarakkeesta, ja avaimen perässä on kaksoispiste ja välilyönti",
    ),
];

/// Explains serde_yaml's error text (without its " at line …" tail). `what`
/// names the document: "alkutietojen" or "asetusten".
pub fn explain(text: &str, what: &str) -> Explained {
    if let Some(i) = text.find("duplicate entry with key ") {
        // Nested mappings come with their path first: `cover: duplicate entry with key "image"`.
        let key = text[i + "duplicate entry with key ".len()..].trim().trim_matches('"').to_string();
        let parent = text[..i].trim_end_matches([':', ' ']);
        let shown = if parent.is_empty() || parent == "." { key.clone() } else { format!("{parent}.{key}") };
        return Explained {
            message: format!("kenttä `{shown}` on kahdesti"),
            help: "poista toinen rivi tai yhdistä arvot: sama kenttä saa esiintyä kerran".into(),
            duplicate: Some(key),
        };
    }
    if text.contains("invalid type: integer") && (text.contains("as u128") || text.contains("as i128")) {
        let field = text.split_once(": invalid type").map(|(p, _)| p).filter(|p| !p.is_empty() && *p != ".");
        let number = text.split('`').nth(1).unwrap_or("");
        let whose = field.map_or(String::new(), |f| format!("kentän `{f}` "));
        return Explained {
            message: format!("{whose}luku `{number}` on liian suuri"),
            help: format!("kokonaislukujen sallittu väli on {INT_RANGE}; jos arvo on tekstiä, kirjoita se lainausmerkkeihin"),
            duplicate: None,
        };
    }
    let known = KNOWN.iter().find(|(needles, ..)| needles.iter().any(|n| text.contains(n)));
    let (detail, help) = known.map_or((None, DEFAULT_HELP), |(_, fi, help)| (Some(*fi), *help));
    Explained {
        message: match detail {
            Some(d) => format!("{what} YAML-muoto on virheellinen: {d}"),
            None => format!("{what} YAML-muoto on virheellinen"),
        },
        help: help.into(),
        duplicate: None,
    }
}

/// 0-based (line, col) of the second `key:` of the mapping that starts at
/// (`line`, `col`) (where serde_yaml reports a duplicate), in block style.
pub fn second_occurrence(yaml: &str, key: &str, line: usize, col: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    for e in entries(yaml).into_iter().filter(|e| e.line >= line) {
        // A key may also begin a list item: `- title: x` has `title` at col + 2.
        let (c, text) = if is_item(e.text) {
            let rest = e.text[1..].trim_start_matches(' ');
            (e.col + (e.text.len() - rest.len()), rest)
        } else {
            (e.col, e.text)
        };
        if e.line > line && e.col < col {
            break;
        }
        if c == col && key_of(text) == Some(key) {
            seen += 1;
            if seen == 2 {
                return Some((e.line, c));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_at_their_second_occurrence() {
        let y = "title: A\ncover:\n  image: a.svg\n  alt: x\n  image: b.svg\nlinks:\n  - title: a\n    title: b\ntitle: B\n";
        assert_eq!(second_occurrence(y, "title", 0, 0), Some((8, 0)));
        assert_eq!(second_occurrence(y, "image", 2, 2), Some((4, 2)));
        assert_eq!(second_occurrence(y, "title", 6, 4), Some((7, 4)));
        assert_eq!(second_occurrence(y, "alt", 2, 2), None);
    }

    #[test]
    fn messages_are_finnish() {
        let e = explain("duplicate entry with key \"title\"", "alkutietojen");
        assert_eq!((e.message.as_str(), e.duplicate.as_deref()), ("kenttä `title` on kahdesti", Some("title")));
        let e = explain("cover: duplicate entry with key \"image\"", "alkutietojen");
        assert_eq!((e.message.as_str(), e.duplicate.as_deref()), ("kenttä `cover.image` on kahdesti", Some("image")));
        let e = explain("weight: invalid type: integer `99999999999999999999` as u128, expected any YAML value", "alkutietojen");
        assert_eq!(e.message, "kentän `weight` luku `99999999999999999999` on liian suuri");
        let e = explain("mapping values are not allowed in this context", "asetusten");
        assert_eq!(e.message, "asetusten YAML-muoto on virheellinen: rivillä on ylimääräinen kaksoispiste");
        assert_eq!(explain("something new from libyaml", "alkutietojen").message, "alkutietojen YAML-muoto on virheellinen");
    }
}
