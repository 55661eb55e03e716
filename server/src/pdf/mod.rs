//! The print engine: renders a form's template (`print-templates/<form>/`) with its data into a PDF on
//! the template's paper (A4, upright or landscape) through printpdf, in an embedded, subset CJK font. The built-in templates are compiled in; an
//! operator's folder (`PRINT_TEMPLATES_DIR`) overrides any form without recompiling. A broken template
//! is reported with its file and line when the server starts and whenever that form is printed; the
//! other forms keep working.

pub mod layout;
pub mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use app::error::AppError;
use printpdf::{Mm, ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};

use layout::{Cell, Composer, MM};
use template::{Block, Template, TemplateError};

/// WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`, Apache-2.0 or GPL-3 with the font exception; the
/// licence is `/usr/share/doc/fonts-wqy-microhei/copyright`). `.ci/setup` installs it.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// The built-in forms: name, layout, text.
const BUILT_IN: [(&str, &str, Option<&str>); 14] = [
    ("visit-sheet", include_str!("../../../print-templates/visit-sheet/layout.toml"), None),
    ("meeting-minutes", include_str!("../../../print-templates/meeting-minutes/layout.toml"), None),
    ("meeting-book", include_str!("../../../print-templates/meeting-book/layout.toml"), None),
    (
        "commitment",
        include_str!("../../../print-templates/commitment/layout.toml"),
        Some(include_str!("../../../print-templates/commitment/text.txt")),
    ),
    (
        "public-notice",
        include_str!("../../../print-templates/public-notice/layout.toml"),
        Some(include_str!("../../../print-templates/public-notice/text.txt")),
    ),
    ("supervision-handover", include_str!("../../../print-templates/supervision-handover/layout.toml"), None),
    ("supervision-workpaper", include_str!("../../../print-templates/supervision-workpaper/layout.toml"), None),
    ("supervision-summary", include_str!("../../../print-templates/supervision-summary/layout.toml"), None),
    ("cross-check-sheet", include_str!("../../../print-templates/cross-check-sheet/layout.toml"), None),
    ("cross-check-village-sheet", include_str!("../../../print-templates/cross-check-village-sheet/layout.toml"), None),
    ("cross-check-report", include_str!("../../../print-templates/cross-check-report/layout.toml"), None),
    ("accountability-decision", include_str!("../../../print-templates/accountability-decision/layout.toml"), None),
    ("assessment-table", include_str!("../../../print-templates/assessment-table/layout.toml"), None),
    ("assessment-veto", include_str!("../../../print-templates/assessment-veto/layout.toml"), None),
];

/// One form to print with its data; several make one PDF (a batch), each numbered on its own.
pub struct Part {
    pub form: &'static str,
    pub data: serde_json::Value,
    /// The PDF bookmark of this part (e.g. the household's head and code).
    pub bookmark: String,
}

pub struct Printer {
    font_path: PathBuf,
    font: OnceLock<Result<ParsedFont, String>>,
    templates: BTreeMap<&'static str, Result<Template, TemplateError>>,
}

impl Printer {
    /// The built-in templates, each replaced by `<dir>/<form>/layout.toml` (and `text.txt`) where the
    /// operator's folder has one. A broken template is logged here and refused when printed.
    pub fn load(font_path: &Path, override_dir: Option<&Path>) -> Printer {
        let mut templates = BTreeMap::new();
        for (form, layout, text) in BUILT_IN {
            let loaded = match override_dir.map(|d| d.join(form)).filter(|d| d.join("layout.toml").is_file()) {
                Some(dir) => read_folder(form, &dir),
                None => Template::parse(form, "内置", layout, text.map(str::to_string)),
            };
            if let Err(e) = &loaded {
                tracing::error!(form, error = %e, "print template unusable; printing this form is refused until fixed");
            }
            templates.insert(form, loaded);
        }
        if !font_path.is_file() {
            tracing::error!(font = %font_path.display(), "print font missing (set PRINT_FONT); printing is refused until it is installed");
        }
        Printer { font_path: font_path.to_path_buf(), font: OnceLock::new(), templates }
    }

    /// The font, parsed on first use.
    fn font(&self) -> Result<&ParsedFont, AppError> {
        let parsed = self.font.get_or_init(|| {
            let bytes = std::fs::read(&self.font_path).map_err(|e| format!("{}: {e}", self.font_path.display()))?;
            ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
                .ok_or_else(|| format!("{}: not a usable font", self.font_path.display()))
        });
        parsed.as_ref().map_err(|e| {
            tracing::error!(error = %e, "print font unusable");
            AppError::Conflict("打印字体不可用，暂时无法打印。请管理员安装打印字体（详细原因见服务器日志）。".into())
        })
    }

    /// Lay out one part with its template.
    fn compose_part(
        &self,
        part: &Part,
        font: &ParsedFont,
        font_id: &printpdf::FontId,
        numbering: Numbering,
    ) -> Result<Vec<Sheet>, AppError> {
        let template = match self.templates.get(part.form) {
            Some(Ok(template)) => template,
            Some(Err(e)) => return Err(broken(e)),
            None => return Err(AppError::internal(format!("no print template {}", part.form))),
        };
        compose(template, font, font_id.clone(), &part.data, numbering).map_err(|e| broken(&e))
    }

    /// Render the parts into one PDF, a bookmark at the start of each.
    pub fn render(&self, title: &str, parts: &[Part]) -> Result<Vec<u8>, AppError> {
        let font = self.font()?;
        let mut doc = PdfDocument::new(title);
        let font_id = doc.add_font(font);
        let mut pages = Vec::new();
        let mut bookmarks = Vec::new();
        for part in parts {
            bookmarks.push((part.bookmark.clone(), pages.len() + 1));
            pages.extend(self.compose_part(part, font, &font_id, Numbering::default())?);
        }
        save(doc, pages, bookmarks)
    }

    /// Render a book: its table of contents first, then the parts. The contents part's data lists one
    /// entry per part under `entries`; each entry is given the `page` its part starts on in the book,
    /// and every footer counts the book's pages, so the contents' numbers are the printed ones.
    pub fn render_book(&self, title: &str, mut contents: Part, parts: &[Part]) -> Result<Vec<u8>, AppError> {
        let font = self.font()?;
        let mut doc = PdfDocument::new(title);
        let font_id = doc.add_font(font);
        let mut composed = Vec::with_capacity(parts.len());
        for part in parts {
            composed.push(self.compose_part(part, font, &font_id, Numbering::default())?.len());
        }
        // The contents' own length moves every page number: lay it out until it stops changing.
        let mut contents_pages = 1;
        let front = loop {
            let mut start = contents_pages + 1;
            if let Some(entries) = contents.data.get_mut("entries").and_then(|e| e.as_array_mut()) {
                for (entry, length) in entries.iter_mut().zip(&composed) {
                    entry["page"] = serde_json::json!(start);
                    start += length;
                }
            }
            let front = self.compose_part(&contents, font, &font_id, Numbering::default())?.len();
            if front == contents_pages {
                break front;
            }
            contents_pages = front;
        };
        let total = Some(front + composed.iter().sum::<usize>());
        let mut bookmarks = vec![(contents.bookmark.clone(), 1)];
        let mut pages = self.compose_part(&contents, font, &font_id, Numbering { offset: 0, total })?;
        for part in parts {
            bookmarks.push((part.bookmark.clone(), pages.len() + 1));
            pages.extend(self.compose_part(part, font, &font_id, Numbering { offset: pages.len(), total })?);
        }
        save(doc, pages, bookmarks)
    }
}

/// The pages, each on its paper, with their bookmarks, as PDF bytes.
fn save(mut doc: PdfDocument, pages: Vec<Sheet>, bookmarks: Vec<(String, usize)>) -> Result<Vec<u8>, AppError> {
    if pages.is_empty() {
        return Err(AppError::validation("print", "没有可打印的内容。"));
    }
    doc.metadata.info.creator = "防返贫监测帮扶系统".into();
    for (name, page) in bookmarks {
        doc.add_bookmark(&name, page);
    }
    let pages = pages
        .into_iter()
        .map(|sheet| {
            let (width, height) = sheet.paper.mm();
            PdfPage::new(Mm(width), Mm(height), sheet.ops)
        })
        .collect();
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings);
    for w in warnings.iter().filter(|w| matches!(w.severity, printpdf::PdfParseErrorSeverity::Error)) {
        tracing::warn!(page = w.page, message = %w.msg, "PDF warning");
    }
    Ok(bytes)
}

/// A template from an operator's folder.
fn read_folder(form: &str, dir: &Path) -> Result<Template, TemplateError> {
    let origin = dir.display().to_string();
    let unreadable = |file: &'static str, e: std::io::Error| TemplateError {
        form: form.into(),
        file,
        origin: origin.clone(),
        line: 1,
        message: format!("unreadable: {e}"),
    };
    let layout = std::fs::read_to_string(dir.join("layout.toml")).map_err(|e| unreadable("layout.toml", e))?;
    let text_path = dir.join("text.txt");
    let text = match text_path.is_file() {
        true => Some(std::fs::read_to_string(&text_path).map_err(|e| unreadable("text.txt", e))?),
        false => None,
    };
    Template::parse(form, &origin, &layout, text)
}

/// What a user sees when a template is broken: the form's file and line to fix, in Chinese, never the
/// folder it lives in on the server; the precise cause and the folder are in the log.
fn broken(e: &TemplateError) -> AppError {
    tracing::error!(error = %e, "print template error");
    AppError::Conflict(format!(
        "打印模板 {} 第 {} 行有误，无法打印。请管理员检查该行（详细原因见服务器日志）。",
        e.place(),
        e.line
    ))
}

/// Lay out one form.
/// One laid-out page and its paper.
struct Sheet {
    paper: template::PageSize,
    ops: Vec<printpdf::Op>,
}

/// How a form's footer counts pages: on its own (the default), or as part of a book whose pages before
/// it number `offset`, `total` in all.
#[derive(Clone, Copy, Debug, Default)]
struct Numbering {
    offset: usize,
    total: Option<usize>,
}

fn compose(
    template: &Template,
    font: &ParsedFont,
    font_id: printpdf::FontId,
    data: &serde_json::Value,
    numbering: Numbering,
) -> Result<Vec<Sheet>, TemplateError> {
    let layout = &template.layout;
    let context = minijinja::Value::from(minijinja::value::Serde(data));
    let fill = |expression: &str| template.fill(expression, &context);
    let mut page = Composer::new(font, font_id, layout.font_size, layout.page, layout.margins_mm);
    page.centred(&fill(&layout.title)?, layout.font_size + 6.0);
    if let Some(subtitle) = &layout.subtitle {
        page.centred(&fill(subtitle)?, layout.font_size);
    }
    for block in &layout.blocks {
        match block {
            Block::Heading { text } => page.heading(&fill(text)?),
            Block::Fields { columns, label_width_mm, fields, min_lines } => {
                let label = label_width_mm * MM;
                let value = (page.content_width() - label * *columns as f32) / *columns as f32;
                let widths: Vec<f32> = (0..*columns).flat_map(|_| [label, value]).collect();
                for chunk in fields.chunks(*columns) {
                    let mut cells = Vec::new();
                    for (name, expression) in chunk {
                        cells.push(Cell { text: name.clone(), shaded: true });
                        cells.push(Cell { text: fill(expression)?, shaded: false });
                    }
                    page.row_with_room(&cells, widths.get(..cells.len()).unwrap_or(&widths), *min_lines);
                }
                page.space(2.0);
            }
            Block::Table { .. } => table(&mut page, template, data, block)?,
            Block::Paragraph { text, file, indent } => {
                let body = match (text, file) {
                    (Some(text), _) => fill(text)?,
                    (None, _) => {
                        let source = template.text.as_deref().unwrap_or_default();
                        template.fill_text(source, &context)?
                    }
                };
                for paragraph in body.lines().filter(|l| !l.trim().is_empty()) {
                    page.paragraph(paragraph.trim(), *indent);
                }
            }
            Block::Signatures { lines } => {
                let labels = lines.iter().map(|l| fill(l)).collect::<Result<Vec<_>, _>>()?;
                page.signatures(&labels);
            }
            Block::Space { mm } => page.space(*mm),
        }
    }
    page.footer(&fill(&layout.footer)?, layout.margins_mm.bottom / 2.0, numbering.offset, numbering.total);
    Ok(page.pages.into_iter().map(|ops| Sheet { paper: layout.page, ops }).collect())
}

/// A table block: a header row, a row per item of its list (the header repeated on each new page), a
/// line saying the list is empty, and blank rows to fill in by hand.
fn table(
    page: &mut Composer,
    template: &Template,
    data: &serde_json::Value,
    block: &Block,
) -> Result<(), TemplateError> {
    let Block::Table { rows, columns, empty, blank_rows, hide_when_empty } = block else { return Ok(()) };
    let list = rows.split('.').try_fold(data, |v, key| v.get(key)).and_then(|v| v.as_array());
    let Some(list) = list else {
        return Err(template.error_at(rows, format!("the data has no list named {rows}")));
    };
    if list.is_empty() && *hide_when_empty {
        return Ok(());
    }
    let total: f32 = columns.iter().map(|c| c.width).sum();
    let widths: Vec<f32> = columns.iter().map(|c| page.content_width() * c.width / total).collect();
    let header: Vec<Cell> = columns.iter().map(|c| Cell { text: c.header.clone(), shaded: true }).collect();
    page.row(&header, &widths, None);
    for item in list {
        let mut with_row = data.clone();
        if let Some(object) = with_row.as_object_mut() {
            object.insert("row".into(), item.clone());
        }
        let row_context = minijinja::Value::from(minijinja::value::Serde(&with_row));
        let cells = columns
            .iter()
            .map(|c| Ok(Cell { text: template.fill(&c.value, &row_context)?, shaded: false }))
            .collect::<Result<Vec<_>, TemplateError>>()?;
        page.row(&cells, &widths, Some((&header, &widths)));
    }
    if list.is_empty()
        && let Some(text) = empty
    {
        let cells = [Cell { text: text.clone(), shaded: false }];
        page.row(&cells, &[page.content_width()], None);
    }
    for _ in 0..*blank_rows {
        let cells: Vec<Cell> = columns.iter().map(|_| Cell { text: String::new(), shaded: false }).collect();
        page.row(&cells, &widths, Some((&header, &widths)));
    }
    page.space(2.0);
    Ok(())
}
