//! Finnish-safe slugs for URLs and heading ids: lower case ASCII letters, digits
//! and `-`; `ä`→`a`, `ö`→`o`, `å`→`a` (as Finnish readers expect, rather than
//! the German `ae`/`oe`), other Latin accents stripped.

/// `Äidin ja vauvan ryhmä!` → `aidin-ja-vauvan-ryhma`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' => Some('a'),
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => Some('o'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ü' | 'ú' | 'ù' | 'û' => Some('u'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'š' => Some('s'),
            'ž' => Some('z'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            _ => None,
        };
        match mapped {
            Some(m) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(m);
            }
            None => dash = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_letters_and_punctuation() {
        assert_eq!(slugify("Äidin ja vauvan ryhmä!"), "aidin-ja-vauvan-ryhma");
        assert_eq!(slugify("Kehitteillä – vaihe 2"), "kehitteilla-vaihe-2");
        assert_eq!(slugify("Åland ja Öljy"), "aland-ja-oljy");
        assert_eq!(slugify("  --x--  "), "x");
        assert_eq!(slugify("!!!"), "");
    }
}
