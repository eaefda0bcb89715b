//! Interface strings: one translation table, Finnish first, with Swedish and
//! English. The site configuration's `language` picks the column; templates see
//! the chosen strings as `t.<key>`. Content text is never translated here.

use std::collections::BTreeMap;

/// (key, fi, sv, en)
const STRINGS: &[(&str, &str, &str, &str)] = &[
    ("skip_to_content", "Siirry sisältöön", "Gå till innehållet", "Skip to content"),
    ("main_nav", "Päävalikko", "Huvudmeny", "Main menu"),
    ("breadcrumbs", "Murupolku", "Brödsmulor", "Breadcrumbs"),
    ("home", "Etusivu", "Startsida", "Home"),
    ("toc", "Tällä sivulla", "På denna sida", "On this page"),
    ("prev", "Edellinen", "Föregående", "Previous"),
    ("next", "Seuraava", "Nästa", "Next"),
    ("pagination", "Luvusta toiseen", "Mellan kapitlen", "Between chapters"),
    ("created", "Luotu", "Skapad", "Created"),
    ("updated", "Viimeksi muokattu", "Senast ändrad", "Last modified"),
    ("basic_info", "Perustiedot", "Grunduppgifter", "Basic information"),
    ("model_name", "Toimintamallin nimi", "Verksamhetsmodellens namn", "Name of the model"),
    ("short_description", "Toimintamallin lyhyt kuvaus", "Kort beskrivning av verksamhetsmodellen", "Short description of the model"),
    ("location", "Toteutuspaikka", "Genomförandeort", "Location"),
    (
        "region",
        "Paikkakunta, maakunta tai hyvinvointialue",
        "Ort, landskap eller välfärdsområde",
        "Municipality, region or wellbeing services county",
    ),
    ("funder", "Toimintamallin rahoittaja", "Verksamhetsmodellens finansiär", "Funder of the model"),
    ("authors", "Tekijä", "Författare", "Author"),
    ("not_given", "Ei ilmoitettu", "Inte angivet", "Not given"),
    ("links", "Liitteet ja linkit", "Bilagor och länkar", "Attachments and links"),
    ("contact", "Yhteystiedot", "Kontakt", "Contact"),
    ("partners", "Kumppanit", "Partner", "Partners"),
    ("meetings", "Tapaamiset", "Möten", "Meetings"),
    ("model_description", "Toimintamallin kuvaus", "Beskrivning av modellen", "Description of the model"),
    ("cover", "Kansikuva", "Omslagsbild", "Cover image"),
    ("phase", "Kehittämisen vaihe", "Utvecklingsfas", "Development phase"),
    ("topics", "Aihealueet", "Ämnesområden", "Topics"),
    ("catalogue", "Toimintamallit", "Verksamhetsmodeller", "Operating models"),
    ("chapters", "Käsikirjan luvut", "Handbokens kapitel", "Chapters of the handbook"),
    ("pages_on_topic", "Sivut aihealueesta", "Sidor om ämnet", "Pages on the topic"),
    ("all_topics", "Kaikki aihealueet", "Alla ämnesområden", "All topics"),
    ("all_sections", "Kaikki osiot", "Alla avdelningar", "All sections"),
    ("not_found_title", "Sivua ei löytynyt", "Sidan hittades inte", "Page not found"),
    (
        "not_found_text",
        "Etsimääsi sivua ei ole tai se on siirretty.",
        "Sidan du söker finns inte eller har flyttats.",
        "The page you are looking for does not exist or has moved.",
    ),
    ("back_home", "Palaa etusivulle", "Tillbaka till startsidan", "Back to the home page"),
    ("table", "Taulukko", "Tabell", "Table"),
    ("model_card", "Toimintamalli", "Verksamhetsmodell", "Operating model"),
    ("chapter", "Luku", "Kapitel", "Chapter"),
    ("external_link", "(ulkoinen sivusto)", "(extern webbplats)", "(external site)"),
    ("image_credit", "Kuva", "Bild", "Image"),
    ("in_section", "Osiossa", "I avsnittet", "In the section"),
    ("model_count", "toimintamallia", "verksamhetsmodeller", "operating models"),
    ("page_count", "sivua", "sidor", "pages"),
    ("edit_page", "Muokkaa tätä sivua", "Redigera den här sidan", "Edit this page"),
    ("give_feedback", "Anna palautetta", "Ge respons", "Give feedback"),
    ("page_history", "Sivun muutoshistoria", "Sidans historik", "Page history"),
    ("draft", "Luonnos", "Utkast", "Draft"),
    ("draft_text", "Tämä sivu on luonnos, eikä se näy julkaistussa käsikirjassa.", "Sidan är ett utkast och syns inte i den publicerade handboken.", "This page is a draft and is not shown in the published handbook."),
    ("preview_banner", "Kommenttikierros – ehdotus", "Kommentarsrunda – förslag", "Comment round – proposal"),
    ("preview_link", "Avaa ehdotus ja kommentoi", "Öppna förslaget och kommentera", "Open the proposal and comment"),
    ("changes_title", "Muutokset tässä ehdotuksessa", "Ändringar i detta förslag", "Changes in this proposal"),
    ("changes_intro", "Alla ovat kaikki sivut, joita ehdotus lisää, muuttaa tai poistaa. Lisätty teksti on alleviivattu, poistettu teksti yliviivattu.", "Nedan finns alla sidor som förslaget lägger till, ändrar eller tar bort. Tillagd text är understruken, borttagen text överstruken.", "Below are all pages the proposal adds, changes or removes. Added text is underlined, removed text struck through."),
    ("no_changes", "Ehdotus ei muuta yhtään sivua.", "Förslaget ändrar inga sidor.", "The proposal changes no pages."),
    ("changes_unknown", "Muutoksia ei voitu selvittää.", "Ändringarna kunde inte utredas.", "The changes could not be determined."),
    ("change_added", "Uusi sivu", "Ny sida", "New page"),
    ("change_changed", "Muutettu sivu", "Ändrad sida", "Changed page"),
    ("change_removed", "Poistettu sivu", "Borttagen sida", "Removed page"),
    ("marker_added", "Tämä sivu on uusi tässä ehdotuksessa.", "Sidan är ny i detta förslag.", "This page is new in this proposal."),
    ("marker_changed", "Tätä sivua on muutettu tässä ehdotuksessa.", "Sidan har ändrats i detta förslag.", "This page is changed in this proposal."),
    ("see_changes", "Katso muutokset", "Se ändringarna", "See the changes"),
    ("inserted", "lisätty", "tillagt", "inserted"),
    ("deleted", "poistettu", "borttaget", "deleted"),
    ("a11y_title", "Saavutettavuusseloste", "Tillgänglighetsutlåtande", "Accessibility statement"),
    ("a11y_intro", "Tämä seloste kertoo, miten sivusto täyttää lain digitaalisten palvelujen tarjoamisesta (306/2019) saavutettavuusvaatimukset, mitkä ovat sen tunnetut puutteet ja miten voit antaa palautetta.", "Utlåtandet beskriver hur webbplatsen uppfyller tillgänglighetskraven i lagen om tillhandahållande av digitala tjänster (306/2019), kända brister och hur du kan ge respons.", "This statement describes how the site meets the accessibility requirements of the Act on the Provision of Digital Services (306/2019), its known shortcomings and how to give feedback."),
    ("a11y_status_title", "Vaatimustenmukaisuus", "Överensstämmelse", "Compliance status"),
    ("a11y_status_fully", "Sivusto täyttää WCAG 2.1 -tason AA saavutettavuusvaatimukset.", "Webbplatsen uppfyller tillgänglighetskraven i WCAG 2.1 nivå AA.", "The site fully meets the WCAG 2.1 level AA requirements."),
    ("a11y_status_partially", "Sivusto täyttää WCAG 2.1 -tason AA saavutettavuusvaatimukset osittain.", "Webbplatsen uppfyller delvis tillgänglighetskraven i WCAG 2.1 nivå AA.", "The site partially meets the WCAG 2.1 level AA requirements."),
    ("a11y_status_not", "Sivusto ei täytä WCAG 2.1 -tason AA saavutettavuusvaatimuksia.", "Webbplatsen uppfyller inte tillgänglighetskraven i WCAG 2.1 nivå AA.", "The site does not meet the WCAG 2.1 level AA requirements."),
    ("a11y_shortcomings", "Ei-saavutettava sisältö", "Innehåll som inte är tillgängligt", "Non-accessible content"),
    ("a11y_no_shortcomings", "Tunnettuja puutteita ei ole.", "Inga kända brister.", "No known shortcomings."),
    ("a11y_reason", "Syy", "Orsak", "Reason"),
    ("a11y_prepared_title", "Selosteen laatiminen", "Hur utlåtandet har utarbetats", "Preparation of this statement"),
    ("a11y_prepared", "Seloste on laadittu", "Utlåtandet har utarbetats", "The statement was prepared"),
    ("a11y_reviewed", "Seloste on viimeksi tarkistettu", "Utlåtandet har senast granskats", "The statement was last reviewed"),
    ("a11y_assessed", "Saavutettavuus on arvioitu näin", "Så har tillgängligheten bedömts", "How accessibility was assessed"),
    ("a11y_feedback_title", "Palaute ja yhteystiedot", "Respons och kontaktuppgifter", "Feedback and contact"),
    ("a11y_feedback", "Huomasitko saavutettavuuspuutteen? Kerro siitä meille. Vastaamme kahden viikon kuluessa.", "Har du upptäckt en brist i tillgängligheten? Berätta om den för oss. Vi svarar inom två veckor.", "Did you notice an accessibility problem? Tell us about it. We answer within two weeks."),
    ("a11y_authority_title", "Valvontaviranomainen", "Tillsynsmyndighet", "Supervisory authority"),
    ("a11y_authority", "Jos et ole tyytyväinen saamaasi vastaukseen tai et saa vastausta kahden viikon aikana, voit tehdä ilmoituksen valvontaviranomaiselle.", "Om du inte är nöjd med svaret eller inte får svar inom två veckor kan du anmäla det till tillsynsmyndigheten.", "If you are not satisfied with the answer or get none within two weeks, you can notify the supervisory authority."),
    ("a11y_missing", "Saavutettavuusselostetta ei ole vielä laadittu.", "Tillgänglighetsutlåtandet har inte utarbetats ännu.", "The accessibility statement has not been prepared yet."),
    ("email", "Sähköposti", "E-post", "E-mail"),
    ("phone", "Puhelin", "Telefon", "Phone"),
    ("website", "Verkkosivu", "Webbplats", "Website"),
    ("print_all", "Tulosta koko käsikirja", "Skriv ut hela handboken", "Print the whole handbook"),
    ("print_intro", "Kaikki käsikirjan luvut järjestyksessä yhdellä sivulla. Tulosta selaimen tulostustoiminnolla (Ctrl+P).", "Alla kapitel i handboken i ordning på en sida. Skriv ut med webbläsarens utskriftsfunktion (Ctrl+P).", "All chapters of the handbook in order on one page. Print with your browser's print function (Ctrl+P)."),
    ("search", "Haku", "Sök", "Search"),
    ("search_label", "Hae käsikirjasta", "Sök i handboken", "Search the handbook"),
    ("search_button", "Hae", "Sök", "Search"),
    ("search_title", "Hae käsikirjasta", "Sök i handboken", "Search the handbook"),
    ("search_hint", "Kirjoita hakusana. Haku löytää sanan taivutusmuodot, yhdyssanojen osat ja kirjoitusvirheellisetkin sanat.", "Skriv ett sökord. Sökningen hittar ordets böjningsformer, delar av sammansatta ord och även felstavade ord.", "Type a search word. The search finds inflected forms, parts of compound words and misspelt words too."),
    ("search_results", "hakutulosta", "sökträffar", "results"),
    ("search_one_result", "1 hakutulos", "1 sökträff", "1 result"),
    ("search_no_results", "Ei hakutuloksia. Kokeile toista sanaa tai poista rajauksia.", "Inga sökträffar. Pröva ett annat ord eller ta bort avgränsningar.", "No results. Try another word or remove filters."),
    ("search_loading", "Haetaan…", "Söker…", "Searching…"),
    ("search_more", "Näytä lisää tuloksia", "Visa fler träffar", "Show more results"),
    ("search_needs_js", "Haku tarvitsee JavaScriptin. Voit selata sivuja myös aihealueittain.", "Sökningen kräver JavaScript. Du kan också bläddra bland sidorna per ämnesområde.", "Search needs JavaScript. You can also browse the pages by topic."),
    ("filters", "Rajaa tuloksia", "Avgränsa resultaten", "Filter results"),
    ("filter_phase", "Kehittämisen vaihe", "Utvecklingsfas", "Development phase"),
    ("filter_topic", "Aihealue", "Ämnesområde", "Topic"),
    ("filter_funder", "Rahoittaja", "Finansiär", "Funder"),
    ("filter_region", "Alue", "Område", "Region"),
    ("feed_title", "Uudet ja päivitetyt sivut", "Nya och uppdaterade sidor", "New and updated pages"),
];

/// The column of `lang` in one row (`fi`, `sv` or `en`; anything else falls back to Finnish).
fn pick(row: &(&'static str, &'static str, &'static str, &'static str), lang: &str) -> &'static str {
    match lang {
        "sv" => row.2,
        "en" => row.3,
        _ => row.1,
    }
}

/// The strings of `lang` (`fi`, `sv` or `en`; anything else falls back to Finnish).
pub fn strings(lang: &str) -> BTreeMap<&'static str, &'static str> {
    STRINGS.iter().map(|row| (row.0, pick(row, lang))).collect()
}

/// One string of `lang`, without building the whole table.
pub fn string(lang: &str, key: &str) -> Option<&'static str> {
    STRINGS.iter().find(|row| row.0 == key).map(|row| pick(row, lang))
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_string_is_the_tables() {
        for lang in ["fi", "sv", "en", "xx"] {
            let all = super::strings(lang);
            assert!(all.iter().all(|(k, v)| super::string(lang, k) == Some(*v)), "{lang}");
        }
        assert_eq!(super::string("fi", "ei-ole"), None);
    }

    #[test]
    fn keys_are_unique_and_filled() {
        let mut keys: Vec<&str> = super::STRINGS.iter().map(|r| r.0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), super::STRINGS.len());
        assert!(super::STRINGS.iter().all(|r| !r.1.is_empty() && !r.2.is_empty() && !r.3.is_empty()));
    }

    /// Sentences: `.`, `?` or `!` followed by a space or the end (so `2.1` is none).
    fn sentences(s: &str) -> usize {
        let b = s.as_bytes();
        (0..b.len()).filter(|&i| b"?!.".contains(&b[i]) && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())).count()
    }

    /// Every translation says all that the Finnish says (issue 8: Swedish
    /// search texts had been cut to their first sentence): the same number of
    /// sentences, and no longer text shrunk to under 60 % of the Finnish.
    #[test]
    fn translations_are_complete() {
        for (key, fi, sv, en) in super::STRINGS {
            for (lang, text) in [("sv", sv), ("en", en)] {
                assert_eq!(sentences(text), sentences(fi), "{key} ({lang}): {text:?} against {fi:?}");
                let (f, t) = (fi.chars().count(), text.chars().count());
                assert!(f < 20 || t * 10 >= f * 6, "{key} ({lang}) looks shortened: {text:?} against {fi:?}");
            }
        }
    }
}
