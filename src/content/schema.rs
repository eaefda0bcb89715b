//! The schema of front matter and site configuration: which keys exist, their
//! types, where they are allowed, an example value and a Finnish description.
//!
//! One table drives three things: validation messages (`content::yaml`), the
//! commented templates written by `handbook new`, and the reference in README.
//! The typed structs in `front_matter.rs` and `config.rs` deserialize the
//! validated value; a unit test keeps the table and the structs in step.

/// The type a key's value must have.
#[derive(Debug)]
pub enum Ty {
    /// Text; numbers and booleans are accepted and read as text.
    Str,
    Int,
    Bool,
    /// An ISO date `YYYY-MM-DD`.
    Date,
    /// A URL path beginning with `/`.
    UrlPath,
    /// One of a fixed set of values.
    OneOf(&'static [&'static str]),
    /// One of the phases defined in the site configuration.
    Phase,
    /// A single text or a list of texts.
    StrOrList,
    List(&'static Ty),
    Map(&'static [Field]),
}

/// Where a key may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any page or section.
    All,
    /// Model cards only (a warning elsewhere).
    Model,
}

/// One key of a mapping.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub scope: Scope,
    /// Example value as YAML, used by `handbook new` (may span lines).
    pub example: &'static str,
    /// What the key means, in Finnish, for templates and docs.
    pub doc: &'static str,
}

const fn field(name: &'static str, ty: Ty, scope: Scope, example: &'static str, doc: &'static str) -> Field {
    Field { name, ty, required: false, scope, example, doc }
}

pub const PAGE_KINDS: &[&str] = &["chapter", "model"];

static COVER: [Field; 4] = [
    Field {
        name: "image",
        ty: Ty::Str,
        required: true,
        scope: Scope::Model,
        example: "kuvat/kansikuva.svg",
        doc: "kuvatiedosto suhteessa tähän tiedostoon",
    },
    Field {
        name: "alt",
        ty: Ty::Str,
        required: true,
        scope: Scope::Model,
        example: "Piirroskuva, jossa ...",
        doc: "vaihtoehtoinen teksti, joka kertoo ruudunlukijaa käyttävälle, mitä kuvassa on",
    },
    field("caption", Ty::Str, Scope::Model, "Kuvateksti", "kuvateksti kuvan alla"),
    field("credit", Ty::Str, Scope::Model, "Pirkanmaan perhekeskus", "kuvan tekijä tai lähde"),
];

static LINK: [Field; 3] = [
    Field { name: "title", ty: Ty::Str, required: true, scope: Scope::Model, example: "Linkin nimi", doc: "linkin teksti" },
    field("url", Ty::Str, Scope::Model, "https://example.org/", "verkko-osoite (tai `file`)"),
    field("file", Ty::Str, Scope::Model, "liitteet/muistio.pdf", "tiedosto tai sivu suhteessa tähän tiedostoon (tai `url`)"),
];
static LINK_TY: Ty = Ty::Map(&LINK);

static PARTNER_GROUP: [Field; 2] = [
    Field { name: "group", ty: Ty::Str, required: true, scope: Scope::Model, example: "Kunnat", doc: "ryhmän nimi" },
    Field {
        name: "members",
        ty: Ty::List(&STR),
        required: true,
        scope: Scope::Model,
        example: "[Tampere, Nokia]",
        doc: "ryhmän organisaatiot",
    },
];
static PARTNER_TY: Ty = Ty::Map(&PARTNER_GROUP);

static MEETING: [Field; 3] = [
    Field { name: "date", ty: Ty::Date, required: true, scope: Scope::Model, example: "2023-11-13", doc: "päivämäärä" },
    Field { name: "title", ty: Ty::Str, required: true, scope: Scope::Model, example: "Käynnistystapaaminen", doc: "tapaamisen nimi" },
    field("memo", Ty::Str, Scope::Model, "https://example.org/muistio.pdf", "muistion osoite tai tiedosto"),
];
static MEETING_TY: Ty = Ty::Map(&MEETING);

static STR: Ty = Ty::Str;
static URL_PATH: Ty = Ty::UrlPath;

/// Front matter of pages and sections, in the order `handbook new` writes it.
pub static FRONT_MATTER: [Field; 20] = [
    Field { name: "title", ty: Ty::Str, required: true, scope: Scope::All, example: "Otsikko", doc: "sivun otsikko (pakollinen)" },
    field("description", Ty::Str, Scope::All, "Yhden tai kahden virkkeen tiivistelmä.", "lyhyt kuvaus eli ingressi"),
    field("weight", Ty::Int, Scope::All, "10", "järjestys: pienempi ensin"),
    field("draft", Ty::Bool, Scope::All, "true", "luonnos: näkyy vain esikatselussa"),
    field("created", Ty::Date, Scope::All, "2023-10-20", "luotu (VVVV-KK-PP)"),
    field("updated", Ty::Date, Scope::All, "2023-12-30", "viimeksi muokattu (VVVV-KK-PP)"),
    field("topics", Ty::List(&STR), Scope::All, "[Perhekeskus, Verkostoyhteistyö]", "aihealueet"),
    field("aliases", Ty::List(&URL_PATH), Scope::All, "[/vanha/osoite/]", "vanhat osoitteet, jotka ohjataan tälle sivulle"),
    field("page_kind", Ty::OneOf(PAGE_KINDS), Scope::All, "model", "sivun laji: `chapter` (luku) tai `model` (toimintamalli)"),
    field("author", Ty::StrOrList, Scope::Model, "[Etunimi Sukunimi]", "tekijä tai tekijät"),
    field("funder", Ty::Str, Scope::Model, "Sosiaali- ja terveysministeriö (STM)", "toimintamallin rahoittaja"),
    field("phase", Ty::Phase, Scope::Model, "kehitteilla", "kehittämisen vaihe"),
    field("location", Ty::Str, Scope::Model, "Pirkanmaa", "toteutuspaikka"),
    field("region", Ty::Str, Scope::Model, "Pirkanmaan hyvinvointialue", "paikkakunta, maakunta tai hyvinvointialue"),
    field(
        "cover",
        Ty::Map(&COVER),
        Scope::Model,
        "\n  image: kuvat/kansikuva.svg\n  alt: Kuvaus kuvasta\n  caption: Kuvateksti\n  credit: Pirkanmaan perhekeskus",
        "kansikuva",
    ),
    field("links", Ty::List(&LINK_TY), Scope::Model, "\n  - title: Linkin nimi\n    url: https://example.org/", "liitteet ja linkit"),
    field("partners", Ty::List(&PARTNER_TY), Scope::Model, "\n  - group: Kunnat\n    members: [Tampere, Nokia]", "kumppanit ryhmittäin"),
    field(
        "contact",
        Ty::Str,
        Scope::Model,
        "Projektikoordinaattori, Organisaatio ry",
        "yhteyshenkilön rooli (ei henkilökohtaista puhelinnumeroa)",
    ),
    field("meetings", Ty::List(&MEETING_TY), Scope::Model, "\n  - date: 2023-11-13\n    title: Käynnistystapaaminen", "tapaamiset"),
    field("template", Ty::Str, Scope::All, "chapter.html", "oma sivupohja teemasta (harvoin tarpeen)"),
];

pub fn find<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name == name)
}

/// Every key name of a mapping, for suggestions.
pub fn names(fields: &[Field]) -> impl Iterator<Item = &'static str> + '_ {
    fields.iter().map(|f| f.name)
}
