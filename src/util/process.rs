//! Who this process is, in a form another process on any machine can read
//! back: `host:pid:start`, where `start` is the process's start time in
//! clock ticks since boot (Linux's `/proc/<pid>/stat`), so a pid the
//! kernel has reused for another program is not mistaken for the holder.

/// This machine's name: the kernel's, else `/etc/hostname`, else `host`.
pub fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            let name = std::fs::read_to_string(path).ok()?;
            let name = name.trim();
            (!name.is_empty()).then(|| name.to_owned())
        })
        .unwrap_or_else(|| "host".into())
}

/// `host:pid:start` of the running process.
pub fn process_identity() -> String {
    let pid = std::process::id();
    match start_ticks(pid) {
        Some(start) => format!("{}:{pid}:{start}", host_name()),
        None => format!("{}:{pid}", host_name()),
    }
}

/// Whether the process an identity names is known to be gone: it names
/// this machine, and no process with its pid (and start time, when
/// recorded) runs here. Another machine's process, or one this machine
/// cannot look up, is never declared gone.
pub fn is_gone(identity: &str) -> bool {
    let parts: Vec<&str> = identity.split(':').collect();
    let (host, pid, start) = match parts.as_slice() {
        [host, pid] => (*host, *pid, None),
        [host, pid, start] => (*host, *pid, start.parse::<u64>().ok()),
        _ => return false,
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if host != host_name() || !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    match (start_ticks(pid), start) {
        (None, _) => true,
        (Some(now), Some(then)) => now != then,
        (Some(_), None) => false,
    }
}

/// The start time of process `pid` in clock ticks since boot, if it runs.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 22 is the start time; after the name come fields 3, 4, ….
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_runs_and_a_finished_one_on_this_machine_is_gone() {
        let me = process_identity();
        assert!(me.starts_with(&format!("{}:{}:", host_name(), std::process::id())));
        assert!(!is_gone(&me));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(is_gone(&format!("{}:{pid}:1", host_name())));
        assert!(is_gone(&format!("{}:{pid}", host_name())));
        // This pid, but a start time it does not have: a reused pid.
        let start = start_ticks(std::process::id()).unwrap();
        let reused = format!("{}:{}:{}", host_name(), std::process::id(), start + 1);
        assert!(is_gone(&reused));
    }

    #[test]
    fn other_machines_and_unreadable_identities_are_never_gone() {
        assert!(!is_gone("another-machine:1:5"));
        assert!(!is_gone("another-machine:999999"));
        assert!(!is_gone("garbage"));
        assert!(!is_gone(&format!("{}:notapid", host_name())));
    }
}
