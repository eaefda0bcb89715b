//! Cross-page integrity checks that need every page rendered first: internal
//! links with a `#fragment` must name a heading (or a fixed template anchor)
//! of their target page, and the closest existing anchor is suggested.

use crate::content::library::Target;
use crate::content::Library;
use crate::diagnostics::{nearest, Diagnostic, Diagnostics};
use crate::markdown::Rendered;

/// Ids the default templates put on every page, valid link targets too.
pub const TEMPLATE_ANCHORS: &[&str] = &[
    "sisalto",
    "sivun-otsikko",
    "toc-otsikko",
    "perustiedot",
    "toimintamallin-kuvaus",
    "kumppanit",
    "tapaamiset",
    "kansikuva",
    "vaihe",
    "aihealueet",
];

/// Checks every recorded link fragment against its target's anchors.
pub fn anchors(lib: &Library, pages: &[Rendered], sections: &[Rendered]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let sources =
        lib.pages.iter().map(|p| (p.source.display(), p.text.as_str(), Target::Page(p.id))).chain(
            lib.sections.iter().filter_map(|s| s.source.as_ref().map(|src| (src.display(), s.text.as_str(), Target::Section(s.id)))),
        );
    for (display, text, own) in sources {
        let rendered = rendered_of(own, pages, sections);
        for link in &rendered.links {
            if link.fragment.is_empty() {
                continue;
            }
            let target = link.target.unwrap_or(own);
            let available = &rendered_of(target, pages, sections).anchors;
            if available.contains(&link.fragment) || TEMPLATE_ANCHORS.contains(&link.fragment.as_str()) {
                continue;
            }
            let help = match nearest(&link.fragment, available.iter().map(String::as_str)) {
                Some(n) => format!("tarkoititko `#{n}`? Ankkuri on otsikon teksti pienin kirjaimin, ä→a, ö→o, välit → -"),
                None if available.is_empty() => "kohdesivulla ei ole otsikoita: poista `#`-osa linkistä".to_string(),
                None => format!("kohdesivun otsikot: {}", available.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join(", ")),
            };
            diags.push(
                Diagnostic::error(
                    &display,
                    link.line,
                    link.col,
                    format!("linkin `{}` ankkuria `#{}` ei löydy kohdesivulta", link.href, link.fragment),
                )
                .with_help(help)
                .with_source(text),
            );
        }
    }
    diags
}

fn rendered_of<'a>(t: Target, pages: &'a [Rendered], sections: &'a [Rendered]) -> &'a Rendered {
    match t {
        Target::Page(p) => &pages[p.0],
        Target::Section(s) => &sections[s.0],
    }
}
