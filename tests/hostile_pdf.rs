//! PDFs built to crash, hang or exhaust the extractor are skipped fast with
//! a named reason (src/ingest/pdf/limits.rs), and a real report still reads.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::hostile as hostile_pdf;

/// Well above what each takes (milliseconds in release; an unoptimized
/// build inflates the bomb's first 128 MB slower), well below a hang.
const QUICK: Duration = Duration::from_secs(30);

fn extract(path: &Path) -> (i32, String, String) {
    let start = Instant::now();
    let out = common::fazhi().arg("extract").arg(path).timeout(Duration::from_secs(60)).output().unwrap();
    assert!(start.elapsed() < QUICK, "{} took {:?}", path.display(), start.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string(), stderr)
}

#[test]
fn hostile_pdfs_are_too_complex_quickly() {
    let dir = common::scratch("hostile-pdf");
    // File name, generator, what the reason says.
    type Case = (&'static str, fn() -> Vec<u8>, &'static str);
    let cases: [Case; 4] = [
        ("recursive.pdf", hostile_pdf::recursive_xobject, "嵌套过深"),
        ("fan_out.pdf", hostile_pdf::fan_out, "展开过多"),
        ("bomb.pdf", hostile_pdf::stream_bomb, "解压后超过"),
        ("shared.pdf", hostile_pdf::shared_resources, "展开过多"),
    ];
    for (name, make, why) in cases {
        let path = dir.join(name);
        std::fs::write(&path, make()).unwrap();
        let (code, _, stderr) = extract(&path);
        let line = common::one_line(stderr.as_bytes());
        assert_eq!(code, 2, "{name}: {line}");
        assert!(line.contains(name) && line.contains("文件过于复杂") && line.contains(why), "{name}: {line}");
        assert!(!line.contains("panicked") && !line.contains("内部错误"), "{name}: {line}");
    }
}

#[test]
fn a_real_report_still_extracts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/report.pdf");
    let (code, stdout, stderr) = extract(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("report.pdf"), "{stdout}");
}
