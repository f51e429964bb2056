//! Metrics of the batch commands (`backup`, `weekly-update`) for node exporter's textfile
//! collector: the command writes `<name>.prom` in the collector's directory (Debian's
//! `prometheus-node-exporter` reads `/var/lib/prometheus/node-exporter`), and Prometheus gets them
//! with the host's metrics. The file is written aside then renamed, so the collector never reads
//! half of it.

use std::path::Path;

/// One gauge: name, help, value.
pub type Gauge<'a> = (&'a str, &'a str, f64);

/// The text of the file.
pub fn render(gauges: &[Gauge]) -> String {
    let mut out = String::new();
    for (name, help, value) in gauges {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    out
}

/// Writes the gauges to `path` (a `.prom` file), replacing it at once.
pub fn write(path: &Path, gauges: &[Gauge]) -> Result<(), String> {
    if path.extension().and_then(|e| e.to_str()) != Some("prom") {
        return Err(format!(
            "{}: node exporter's textfile collector only reads files ending in .prom",
            path.display()
        ));
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{}: no file name", path.display()))?;
    // Not ending in .prom: the collector skips it while it is being written.
    let aside = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&aside, render(gauges))
        .and_then(|_| std::fs::rename(&aside, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&aside);
            format!("writing the metrics file {}: {e}", path.display())
        })
}

/// Seconds since the epoch, now.
pub fn now_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_replaced_whole_and_must_end_in_prom() {
        let dir = std::env::temp_dir().join(format!("ocpizza-textfile-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ocpizza_backup.prom");
        write(&path, &[("a_seconds", "A.", 1.5)]).unwrap();
        write(&path, &[("b_seconds", "B.", 2.0)]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# HELP b_seconds B.\n# TYPE b_seconds gauge\nb_seconds 2\n"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "nothing left aside"
        );
        assert!(write(&dir.join("x.txt"), &[])
            .unwrap_err()
            .contains(".prom"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
