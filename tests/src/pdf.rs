//! PDFs the app produced, read back with the real tools, and text snapshots.

/// A PDF the app produced, read with the real tools: poppler's pdftotext and pdfinfo, and qpdf.
pub struct Pdf {
    file: tempfile::NamedTempFile,
    len: usize,
}

impl Pdf {
    pub fn from(bytes: Vec<u8>) -> Pdf {
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(200)]));
        let file = tempfile::Builder::new().suffix(".pdf").tempfile().expect("temp file");
        std::fs::write(file.path(), &bytes).expect("write PDF");
        Pdf { file, len: bytes.len() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn run(&self, program: &str, args: &[&str]) -> String {
        let output = std::process::Command::new(program)
            .args(args)
            .arg(self.file.path())
            .args(if program == "pdftotext" { &["-"][..] } else { &[][..] })
            .output()
            .unwrap_or_else(|e| panic!("{program} (poppler-utils, qpdf; .ci/setup installs them): {e}"));
        assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    fn info(&self, key: &str) -> String {
        self.run("pdfinfo", &[])
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim_start_matches(':').trim().to_string()))
            .unwrap_or_default()
    }

    pub fn pages(&self) -> usize {
        self.info("Pages").parse().expect("page count")
    }

    pub fn page_size(&self) -> String {
        self.info("Page size")
    }

    /// The whole text, in reading order.
    pub fn text(&self) -> String {
        self.run("pdftotext", &["-raw", "-enc", "UTF-8"])
    }

    /// The text of one page (1-based).
    pub fn page_text(&self, page: usize) -> String {
        let page = page.to_string();
        self.run("pdftotext", &["-raw", "-enc", "UTF-8", "-f", &page, "-l", &page])
    }

    /// `qpdf --check` finds no error.
    pub fn qpdf_check(&self) {
        let out = self.run("qpdf", &["--check"]);
        assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    }
}

/// Compare `text` with `tests/snapshots/<name>.txt` (write it with `UPDATE_SNAPSHOTS=1`).
pub fn assert_snapshot(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, text).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {} (run the test once with UPDATE_SNAPSHOTS=1)", path.display()));
    assert_eq!(text, expected, "the text of {name} differs from {}", path.display());
}
