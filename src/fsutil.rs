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

/// CPU time this process has used so far, all threads, user and system, in
/// seconds (`/proc/self/stat`), where the system tells it.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces:
    // state is field 3, utime and stime fields 14 and 15.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let user: u64 = fields.nth(11)?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / clock_ticks())
}

#[cfg(target_os = "linux")]
fn clock_ticks() -> f64 {
    rustix::param::clock_ticks_per_second() as f64
}

#[cfg(not(target_os = "linux"))]
fn clock_ticks() -> f64 {
    100.0
}

/// Peak resident memory of this process in bytes (`VmHWM`), where the system tells it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_time_grows_with_work() {
        // Busy until the counter has moved 50 ms (10 s at most, for a loaded machine).
        let before = super::cpu_seconds().expect("Linux tells the CPU time");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        let mut now = before;
        while now < before + 0.05 && started.elapsed().as_secs() < 10 {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            now = super::cpu_seconds().expect("Linux tells the CPU time");
        }
        assert!(now >= before + 0.05, "{before} → {now} in {:?}", started.elapsed());
    }
}
