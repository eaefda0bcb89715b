//! Tera's errors, made into something a theme author can act on: in Finnish,
//! at the line and column Tera points at (the failing expression, the
//! unknown filter …), in the template it happened in (a parent or a
//! component's template when it is one of those).
//!
//! Tera 2 knows where every error is; what it says is translated for the
//! messages a theme author meets in practice, and anything else keeps Tera's
//! own words, labelled as such.

use tera::ErrorKind;

/// What went wrong, where: the template the error happened in, its 1-based
/// line and column, a Finnish message and help.
#[derive(Debug, PartialEq, Eq)]
pub struct Located {
    pub template: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: &'static str,
}

const HELP_NAMES: &str = "tarkista nimi: sivupohjien muuttujat on lueteltu README:n kohdassa Teeman tekeminen";
const HELP_OTHER: &str = "korjaa sivupohja (ks. README: Teeman tekeminen)";
const HELP_MACROS: &str = "Teran 1 makrot ovat Tera 2:ssa komponentteja: `{% macro nimi(a) %}…{% endmacro nimi %}` on nyt `{% component nimi(a) %}…{% endcomponent nimi %}`, kutsu `m::nimi(a=x)` on `<nimi a={x}/>`, eikä `import`-riviä tarvita (ks. README: Teeman tekeminen)";

/// The text between the first two backticks after `marker`, and what follows it.
fn quoted<'a>(msg: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let rest = msg.strip_prefix(marker)?.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// The names Tera lists after `label` ("Available variables: a, b"), as ` (tiedoissa on: a, b)`.
fn available(rest: &str, label: &str) -> String {
    match rest.split_once(label) {
        Some((_, names)) if !names.trim().is_empty() => format!(" (tiedoissa on: {})", names.trim().trim_end_matches('.')),
        _ => String::new(),
    }
}

/// Tera's message in Finnish, with its help.
fn translate(msg: &str) -> (String, &'static str) {
    if let Some((name, rest)) = quoted(msg, "Variable ") {
        if rest.starts_with(" exists but") {
            return (format!("muuttujalla `{name}` ei ole arvoa"), HELP_NAMES);
        }
        return (format!("muuttujaa `{name}` ei ole sivupohjan tiedoissa{}", available(rest, "Available variables:")), HELP_NAMES);
    }
    if let Some((name, rest)) = quoted(msg, "Field ") {
        return (format!("kenttää `{name}` ei ole sivupohjan tiedoissa{}", available(rest, "Available fields:")), HELP_NAMES);
    }
    for (what, fi, help) in [
        ("Unknown filter ", "suodatinta", "tarkista suodattimen nimi: käytettävissä ovat Teran omat suodattimet"),
        ("Unknown function ", "funktiota", "tarkista funktion nimi: käytettävissä ovat Teran omat funktiot"),
        ("Unknown test ", "testiä", "tarkista testin nimi: käytettävissä ovat Teran omat testit"),
        ("Unknown component ", "komponenttia", "tarkista komponentin nimi: oletusteeman komponentit ovat tiedostossa `macros.html`"),
    ] {
        if let Some((name, _)) = quoted(msg, what) {
            return (format!("{fi} `{name}` ei ole"), help);
        }
    }
    (format!("Teran viesti: {msg}"), HELP_OTHER)
}

/// The first report in a message that holds Tera's rendered reports
/// (`error: MESSAGE\n --> FILE:LINE:COL …`): its message, file, line and column.
fn first_report(text: &str) -> Option<(&str, &str, usize, usize)> {
    let at = text.find("error: ")?;
    let rest = &text[at + "error: ".len()..];
    let (message, rest) = rest.split_once('\n')?;
    let locus = rest.trim_start().strip_prefix("--> ")?.lines().next()?;
    let mut parts = locus.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((message, parts.next()?, line, col))
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

/// Locates and translates an error Tera gave while compiling the theme or
/// rendering `template` (whose sources are looked up with `source_of`).
pub fn locate<'a>(e: &tera::Error, template: &str, source_of: impl Fn(&str) -> Option<&'a str>) -> Located {
    let in_template = |name: &str, message: String, help| Located { template: name.to_string(), line: 1, col: 1, message, help };
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() { template } else { r.filename() };
            let tag = source_of(name).and_then(|s| s.get(r.span().range.start..)).unwrap_or("");
            let (message, help) = if r.message() == "Unknown tag" && ["macro", "endmacro", "import"].iter().any(|t| tag.starts_with(t)) {
                (format!("Tera 2 ei tunne tagia `{}`", tag.split_whitespace().next().unwrap_or("")), HELP_MACROS)
            } else {
                translate(r.message())
            };
            Located { template: name.to_string(), line: r.span().start_line.max(1), col: r.span().start_col + 1, message, help }
        }
        ErrorKind::MissingParent { current, parent } => {
            let mut at = in_template(
                current,
                format!("sivupohja perii sivupohjan `{parent}`, jota ei ole"),
                "lisää sivupohja teeman kansioon `templates/` tai korjaa nimi `extends`-rivillä",
            );
            if let Some((line, col)) = source_of(current).and_then(|s| find_in_template(s, parent)) {
                (at.line, at.col) = (line, col);
            }
            at
        }
        ErrorKind::TemplateNotFound(name) => {
            in_template(template, format!("sivupohjaa `{name}` ei ole"), "lisää sivupohja teeman kansioon `templates/` tai korjaa nimi")
        }
        ErrorKind::Msg(text) => match first_report(text) {
            Some((message, file, line, col)) => {
                let (message, help) = translate(message);
                Located { template: file.to_string(), line, col, message, help }
            }
            None => in_template(template, format!("Teran viesti: {text}"), HELP_OTHER),
        },
        other => in_template(template, format!("Teran viesti: {other}"), HELP_OTHER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "{% extends \"base.html\" %}\n{% block main %}\n<p>page.title</p>\n  {{ page.title | nofilter }}\n  {{ page.olematon.kentta }}\n{% endblock main %}";
    const BASE: &str = "<main>{% block main %}{% endblock main %}</main>";

    fn compile(chapter: &str) -> Result<tera::Tera, tera::Error> {
        let mut tera = tera::Tera::new();
        tera.add_raw_templates([("base.html", BASE), ("chapter.html", chapter)]).map(|()| tera)
    }

    fn render_error(chapter: &str, ctx: &tera::Context) -> Located {
        let e = compile(chapter).and_then(|t| t.render("chapter.html", ctx)).expect_err("fails");
        locate(&e, "chapter.html", |name| (name == "chapter.html").then_some(chapter))
    }

    #[test]
    fn unknown_names_are_found_where_tera_points() {
        let mut ctx = tera::Context::new();
        ctx.insert("page", &serde_json::json!({"title": "Otsikko"}));
        // An unknown filter is found when the theme is compiled.
        let l = render_error(CHAPTER, &ctx);
        assert_eq!((l.template.as_str(), l.line, l.col, l.message.as_str()), ("chapter.html", 4, 19, "suodatinta `nofilter` ei ole"));
        let l = render_error(&CHAPTER.replace(" | nofilter", ""), &ctx);
        assert_eq!((l.line, l.col), (5, 11));
        assert_eq!(l.message, "kenttää `olematon` ei ole sivupohjan tiedoissa (tiedoissa on: title)");
        let l = render_error("{% extends \"base.html\" %}{% block main %}{{ puuttuu }}{% endblock main %}", &ctx);
        assert_eq!((l.line, l.col), (1, 45));
        assert!(l.message.starts_with("muuttujaa `puuttuu` ei ole sivupohjan tiedoissa (tiedoissa on: "), "{}", l.message);
        assert!(l.message.contains("page"), "{}", l.message);
    }

    #[test]
    fn missing_parents_and_other_messages() {
        let chapter = "\n{% extends \"puuttuva.html\" %}";
        let e = compile(chapter).expect_err("no parent");
        let l = locate(&e, "chapter.html", |name| (name == "chapter.html").then_some(chapter));
        assert_eq!((l.template.as_str(), l.line, l.col), ("chapter.html", 2, 13));
        assert_eq!(l.message, "sivupohja perii sivupohjan `puuttuva.html`, jota ei ole");
        assert_eq!(translate("Something new").0, "Teran viesti: Something new");
        // A theme written for Tera 1 hears what replaced its macros.
        for (chapter, tag) in [("{% import \"macros.html\" as m %}", "import"), ("\n {% macro x() %}{% endmacro x %}", "macro")] {
            let e = compile(chapter).expect_err("Tera 1 syntax");
            let l = locate(&e, "chapter.html", |name| (name == "chapter.html").then_some(chapter));
            assert_eq!(l.message, format!("Tera 2 ei tunne tagia `{tag}`"));
            assert_eq!(l.help, HELP_MACROS);
        }
        assert_eq!(first_report("error: Unknown filter `x`\n --> a.html:3:17\n  |"), Some(("Unknown filter `x`", "a.html", 3, 17)));
        assert_eq!(first_report("no report"), None);
    }
}
