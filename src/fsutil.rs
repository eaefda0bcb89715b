//! Small file-system helpers shared by the steps: reading text with a clear
//! reason on failure, and Finnish wording for I/O errors.

use std::io;

/// A Finnish reason for an I/O error, never `{:?}`.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        // Refusals made by `output` itself carry their Finnish explanation.
        io::ErrorKind::AlreadyExists | io::ErrorKind::InvalidInput if e.get_ref().is_some() => e.to_string(),
        io::ErrorKind::NotFound => "tiedostoa tai kansiota ei ole".into(),
        io::ErrorKind::PermissionDenied => "ei käyttöoikeutta".into(),
        io::ErrorKind::InvalidData => "sisältö ei ole UTF-8-muotoista tekstiä".into(),
        _ => format!("käyttöjärjestelmän virhe: {e}"),
    }
}

/// Peak resident memory of this process in bytes (`VmHWM`), where the system tells it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
