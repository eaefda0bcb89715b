//! Tera's runtime errors, made into something a theme author can act on: in
//! Finnish, at the line and column of the failing expression.
//!
//! Tera reports a failed render without a position ("Variable `page.x` not
//! found in context while rendering 'chapter.html'"), so the name it quotes
//! is looked up in the template's source, first inside `{{ }}` and `{% %}`
//! tags. Only the messages a theme author meets in practice are translated;
//! anything else keeps Tera's own words, labelled as such.

/// What went wrong, where: the template the error happened in (a parent when
/// Tera says so), its 1-based line and column, a Finnish message and help.
#[derive(Debug, PartialEq, Eq)]
pub struct Located {
    pub template: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: &'static str,
}

const HELP_NAMES: &str = "tarkista nimi: sivupohjien muuttujat on lueteltu README:n kohdassa Teeman tekeminen";

/// The text between the first `open` and the next `close` after `marker`.
fn quoted_after<'a>(msg: &'a str, marker: &str, open: char, close: char) -> Option<&'a str> {
    let rest = &msg[msg.find(marker)? + marker.len()..];
    let start = rest.find(open)? + open.len_utf8();
    let end = rest[start..].find(close)? + start;
    Some(&rest[start..end])
}

/// Translates Tera's error chain; returns (message, help, the name to look for).
fn translate(chain: &str) -> (String, &'static str, Option<String>) {
    if let Some(v) = quoted_after(chain, "Variable ", '`', '`') {
        if chain.contains("not found in context") {
            return (format!("muuttujaa `{v}` ei ole sivupohjan tiedoissa"), HELP_NAMES, Some(v.to_string()));
        }
        if chain.contains("math operation") {
            return (
                format!("muuttujalla `{v}` lasketaan, mutta se ei ole luku"),
                "tarkista laskutoimitus ja muuttujan tyyppi",
                Some(v.to_string()),
            );
        }
    }
    for (what, fi, help) in [
        ("Filter ", "suodatinta", "tarkista suodattimen nimi: käytettävissä ovat Teran omat suodattimet"),
        ("Function ", "funktiota", "tarkista funktion nimi: käytettävissä ovat Teran omat funktiot"),
        ("Test ", "testiä", "tarkista testin nimi: käytettävissä ovat Teran omat testit"),
        ("Template ", "sivupohjaa", "lisää sivupohja teeman kansioon `templates/` tai korjaa nimi"),
    ] {
        if let Some(name) = quoted_after(chain, what, '\'', '\'').filter(|_| chain.contains("not found")) {
            let name = name.trim_matches(|c| c == '[' || c == ']');
            return (format!("{fi} `{name}` ei ole"), help, Some(name.to_string()));
        }
    }
    let own = chain.split(": ").filter(|part| !part.starts_with("Failed to render")).collect::<Vec<_>>().join(": ");
    let name = quoted_after(&own, "", '`', '`').map(str::to_string);
    (format!("Teran viesti: {own}"), "korjaa sivupohja (ks. README: Teeman tekeminen)", name)
}

/// 1-based (line, column) of `needle` in `source`, preferring a hit inside a
/// Tera tag (`{{ … }}`, `{% … %}`) over one in the surrounding HTML.
pub fn find_in_template(source: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let (mut from, mut in_tag) = (0, None);
    while let Some(start) = ["{{", "{%"].iter().filter_map(|o| source[from..].find(o)).min().map(|i| from + i) {
        let end = ["}}", "%}"].iter().filter_map(|c| source[start..].find(c)).min().map_or(source.len(), |i| start + i);
        if let Some(i) = source[start..end].find(needle) {
            in_tag = Some(start + i);
            break;
        }
        from = end.max(start + 2).min(source.len());
    }
    let at = in_tag.or_else(|| source.find(needle))?;
    Some(crate::diagnostics::line_col(source, at))
}

/// Locates and translates a render error of `template` (whose sources are looked up with `source_of`).
pub fn locate<'a>(chain: &str, template: &str, source_of: impl Fn(&str) -> Option<&'a str>) -> Located {
    let template = quoted_after(chain, "error happened in ", '\'', '\'').unwrap_or(template).to_string();
    let (message, help, name) = translate(chain);
    let (line, col) = name.as_deref().and_then(|n| find_in_template(source_of(&template)?, n)).unwrap_or((1, 1));
    Located { template, line, col, message, help }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "{% extends \"base.html\" %}\n{% block main %}\n<p>page.title</p>\n  {{ page.title | nofilter }} {{ nofn() }}\n  {{ page.olematon.kentta }}\n{% endblock main %}";

    fn run(chain: &str) -> Located {
        locate(chain, "chapter.html", |name| (name == "chapter.html").then_some(CHAPTER))
    }

    #[test]
    fn variables_filters_and_functions_are_found_in_the_source() {
        let l = run("Failed to render 'chapter.html': Variable `page.olematon.kentta` not found in context while rendering 'chapter.html'");
        assert_eq!((l.line, l.col, l.message.as_str()), (5, 6, "muuttujaa `page.olematon.kentta` ei ole sivupohjan tiedoissa"));
        let l = run("Failed to render 'chapter.html': Filter 'nofilter' not found");
        assert_eq!((l.line, l.col, l.message.as_str()), (4, 19, "suodatinta `nofilter` ei ole"));
        let l = run("Failed to render 'chapter.html': Function 'nofn' not found");
        assert_eq!((l.line, l.col), (4, 34));
        // Inside a tag first: `page.title` also appears as text on line 3.
        let l = run("Failed to render 'chapter.html': Variable `page.title` was used in a math operation but is not a number");
        assert_eq!((l.line, l.col, l.message.as_str()), (4, 6, "muuttujalla `page.title` lasketaan, mutta se ei ole luku"));
    }

    #[test]
    fn errors_in_a_parent_template_and_unknown_messages() {
        let l = run("Failed to render 'chapter.html': Variable `site.x` not found in context while rendering 'base.html' (error happened in 'base.html').");
        assert_eq!((l.template.as_str(), l.line, l.col), ("base.html", 1, 1));
        let l = run("Failed to render 'chapter.html': Tried to use super() in the top level block");
        assert_eq!(l.message, "Teran viesti: Tried to use super() in the top level block");
        assert_eq!((l.line, l.col), (1, 1));
    }
}
