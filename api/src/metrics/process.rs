//! The standard process metrics of Prometheus' client libraries (`process_cpu_seconds_total`,
//! `process_resident_memory_bytes`, …), read from `/proc/self` on Linux. Elsewhere nothing is
//! written: the names are simply absent.

use std::fmt::Write;

/// Appends the process metrics to `out`.
pub fn render(out: &mut String) {
    if let Some(p) = read() {
        p.write(out);
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct Process {
    pub cpu_seconds: f64,
    pub resident_bytes: u64,
    pub virtual_bytes: u64,
    pub open_fds: Option<u64>,
    pub max_fds: Option<u64>,
    pub start_time_seconds: Option<f64>,
}

impl Process {
    fn write(&self, out: &mut String) {
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        metric(
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds.",
            self.cpu_seconds.to_string(),
        );
        metric(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
            self.resident_bytes.to_string(),
        );
        metric(
            "process_virtual_memory_bytes",
            "gauge",
            "Virtual memory size in bytes.",
            self.virtual_bytes.to_string(),
        );
        if let Some(fds) = self.open_fds {
            metric(
                "process_open_fds",
                "gauge",
                "Number of open file descriptors.",
                fds.to_string(),
            );
        }
        if let Some(max) = self.max_fds {
            metric(
                "process_max_fds",
                "gauge",
                "Maximum number of open file descriptors.",
                max.to_string(),
            );
        }
        if let Some(start) = self.start_time_seconds {
            metric(
                "process_start_time_seconds",
                "gauge",
                "Start time of the process since unix epoch in seconds.",
                start.to_string(),
            );
        }
    }
}

#[cfg(target_os = "linux")]
fn read() -> Option<Process> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // SAFETY: sysconf only reads a system constant.
    let (ticks, page) = unsafe {
        (
            libc::sysconf(libc::_SC_CLK_TCK),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    let boot_time = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| parse_boot_time(&s));
    let mut p = parse_stat(
        &stat,
        if ticks > 0 { ticks as f64 } else { 100.0 },
        if page > 0 { page as u64 } else { 4096 },
        boot_time,
    )?;
    p.open_fds = std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|entries| entries.count() as u64);
    p.max_fds = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| parse_max_fds(&s));
    Some(p)
}

#[cfg(not(target_os = "linux"))]
fn read() -> Option<Process> {
    None
}

/// `/proc/self/stat`: the command name (field 2) is in parentheses and may hold spaces, so the
/// fields are counted from the last `)`. utime 14, stime 15, starttime 22, vsize 23, rss 24.
pub fn parse_stat(stat: &str, ticks: f64, page: u64, boot_time: Option<u64>) -> Option<Process> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // `rest` starts at field 3 (state).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Option<u64> { fields.get(n - 3)?.parse().ok() };
    let cpu = (field(14)? + field(15)?) as f64 / ticks;
    Some(Process {
        cpu_seconds: cpu,
        resident_bytes: field(24)? * page,
        virtual_bytes: field(23)?,
        open_fds: None,
        max_fds: None,
        start_time_seconds: boot_time
            .zip(field(22))
            .map(|(boot, start)| boot as f64 + start as f64 / ticks),
    })
}

/// The `btime` line of `/proc/stat`: boot time, seconds since the epoch.
pub fn parse_boot_time(stat: &str) -> Option<u64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// The soft limit of `Max open files` in `/proc/self/limits` (`unlimited` gives none).
pub fn parse_max_fds(limits: &str) -> Option<u64> {
    limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|soft| soft.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_command_name() {
        // The command name holds a space and a parenthesis.
        let stat = "4242 (ocp (izza) x) S 1 4242 4242 0 -1 4194560 1200 0 3 0 250 50 0 0 20 0 9 0 12345 812646400 3000 18446744073709551615 1 1 0 0 0 0 0 4096 17 0 0 0 0 0 0";
        let p = parse_stat(stat, 100.0, 4096, Some(1_700_000_000)).unwrap();
        assert_eq!(p.cpu_seconds, 3.0);
        assert_eq!(p.virtual_bytes, 812_646_400);
        assert_eq!(p.resident_bytes, 3000 * 4096);
        assert_eq!(p.start_time_seconds, Some(1_700_000_123.45));
        assert_eq!(parse_stat("garbage", 100.0, 4096, None), None);
    }

    #[test]
    fn boot_time_and_fd_limit_are_read() {
        assert_eq!(
            parse_boot_time("cpu  1 2 3\nbtime 1764576000\nprocesses 9\n"),
            Some(1_764_576_000)
        );
        let limits = "Limit                     Soft Limit           Hard Limit           Units\nMax processes             63459                63459                processes\nMax open files            1024                 524288               files\n";
        assert_eq!(parse_max_fds(limits), Some(1024));
        assert_eq!(
            parse_max_fds(
                "Max open files            unlimited            unlimited            files\n"
            ),
            None
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_measured() {
        let p = read().unwrap();
        assert!(p.resident_bytes > 0 && p.virtual_bytes >= p.resident_bytes);
        assert!(p.open_fds.unwrap() > 0);
        assert!(p.start_time_seconds.unwrap() > 1_600_000_000.0);
        let mut out = String::new();
        p.write(&mut out);
        assert!(
            out.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ")
        );
    }
}
