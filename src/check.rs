//! Cross-page integrity checks that need every page rendered first: internal
//! links with a `#fragment` must name a heading (or a fixed template anchor)
//! of their target page, and the closest existing anchor is suggested.

use std::collections::{HashMap, HashSet};

use crate::content::library::Target;
use crate::content::Library;
use crate::diagnostics::{nearest, Diagnostic, Diagnostics, SourceLines};
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

/// A target with more anchors than this has them looked up in a set (built
/// once), not a list: a page with thousands of headings and links to them is
/// not quadratic.
const LISTED_ANCHORS: usize = 32;

/// Broken links of one file that get a suggestion (each compares the fragment
/// with every anchor of the target); past them, the general help.
const SUGGESTED: usize = 100;

/// Anchors listed in the help when none is near the broken one.
const HELP_ANCHORS: usize = 20;

/// Checks every recorded link fragment against its target's anchors.
pub fn anchors(lib: &Library, pages: &[Rendered], sections: &[Rendered]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut sets: HashMap<Target, HashSet<&str>> = HashMap::new();
    let texts = lib.page_texts();
    let sources =
        lib.pages.iter().zip(&texts).map(|(p, text)| (p.source.display(), text.as_str(), Target::Page(p.id))).chain(
            lib.sections.iter().filter_map(|s| s.source.as_ref().map(|src| (src.display(), s.text.as_str(), Target::Section(s.id)))),
        );
    for (display, text, own) in sources {
        let rendered = rendered_of(own, pages, sections);
        let source = SourceLines::new(text);
        let mut broken = 0;
        for link in &rendered.links {
            if link.fragment.is_empty() || TEMPLATE_ANCHORS.contains(&link.fragment.as_str()) {
                continue;
            }
            let target = link.target.unwrap_or(own);
            let available = &rendered_of(target, pages, sections).anchors;
            let found = if available.len() <= LISTED_ANCHORS {
                available.contains(&link.fragment)
            } else {
                sets.entry(target).or_insert_with(|| available.iter().map(String::as_str).collect()).contains(link.fragment.as_str())
            };
            if found {
                continue;
            }
            broken += 1;
            let near = if broken <= SUGGESTED { nearest(&link.fragment, available.iter().map(String::as_str)) } else { None };
            let help = match near {
                Some(n) => format!("tarkoititko `#{n}`? Ankkuri on otsikon teksti pienin kirjaimin, ä→a, ö→o, välit → -"),
                None if available.is_empty() => "kohdesivulla ei ole otsikoita: poista `#`-osa linkistä".to_string(),
                None if broken > SUGGESTED || available.len() > HELP_ANCHORS => {
                    "ankkuri on kohdesivun otsikon teksti pienin kirjaimin, ä→a, ö→o, välit → -".to_string()
                }
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
                .with_line_of(&source),
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
