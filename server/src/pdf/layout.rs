//! Page composition for printed forms: text measured with the embedded font's own glyph widths, lines
//! broken by the Unicode line-breaking rules (UAX #14: no line starts with "，" or "。", no break inside
//! a number), tables whose rows grow to their tallest cell and whose header repeats after a page break,
//! and a footer with page numbers. Coordinates are points from the page's bottom-left corner.

use std::ops::Range;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfFontHandle, Point, Pt, Rect, TextItem,
};

/// Millimetres to points.
pub const MM: f32 = 2.834_646;
/// Space between lines, as a multiple of the font size.
const LEADING: f32 = 1.4;
/// Padding inside table cells.
const PAD: f32 = 1.3 * MM;

/// The embedded font, for measuring.
pub struct Metrics<'a> {
    pub font: &'a ParsedFont,
}

impl Metrics<'_> {
    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units_per_em = f32::from(self.font.font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.font.get_horizontal_advance(self.font.lookup_glyph_index(c as u32).unwrap_or(0))))
            .sum();
        units as f32 / units_per_em * size
    }

    /// Break `text` into lines no wider than `max` points. Each `\n` starts a new line.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut start = 0;
            for (end, _) in unicode_linebreak::linebreaks(paragraph) {
                let segment = paragraph.get(start..end).unwrap_or_default();
                start = end;
                let candidate = format!("{line}{segment}");
                if self.width(candidate.trim_end(), size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(line.trim_end().to_string());
                    line = String::new();
                }
                // A segment wider than the line (a long number or name) is cut where it must be.
                for c in segment.chars() {
                    if !line.is_empty() && self.width(format!("{line}{c}").trim_end(), size) > max {
                        lines.push(line.trim_end().to_string());
                        line = String::new();
                    }
                    line.push(c);
                }
            }
            lines.push(line.trim_end().to_string());
        }
        lines
    }
}

/// Builds the pages of one form.
pub struct Composer<'a> {
    pub metrics: Metrics<'a>,
    font_id: FontId,
    pub size: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    /// The top of the free space on the current page.
    y: f32,
    pub pages: Vec<Vec<Op>>,
}

/// One cell of a table row: its text and whether it is a shaded label or header cell.
pub struct Cell {
    pub text: String,
    pub shaded: bool,
}

impl<'a> Composer<'a> {
    pub fn new(
        font: &'a ParsedFont,
        font_id: FontId,
        size: f32,
        page: super::template::PageSize,
        margins: super::template::Margins,
    ) -> Composer<'a> {
        let (width, height) = page.mm();
        let mut composer = Composer {
            metrics: Metrics { font },
            font_id,
            size,
            left: margins.left * MM,
            right: width * MM - margins.right * MM,
            top: height * MM - margins.top * MM,
            bottom: margins.bottom * MM + 8.0 * MM,
            y: 0.0,
            pages: Vec::new(),
        };
        composer.new_page();
        composer
    }

    /// The width between the margins.
    pub fn content_width(&self) -> f32 {
        self.right - self.left
    }

    fn line_height(&self, size: f32) -> f32 {
        size * LEADING
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Start a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y - height < self.bottom && self.y < self.top {
            self.new_page();
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().unwrap_or_else(|| unreachable!("a composer always has a page"))
    }

    /// Text with its baseline at (x, y) on the current page.
    fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32) {
        self.text_on(self.pages.len() - 1, x, y, text, size);
    }

    /// Text on a page. One text section each, so every position is absolute.
    fn text_on(&mut self, page: usize, x: f32, y: f32, text: &str, size: f32) {
        let font = PdfFontHandle::External(self.font_id.clone());
        let Some(ops) = self.pages.get_mut(page).filter(|_| !text.is_empty()) else { return };
        ops.extend([
            Op::StartTextSection,
            Op::SetFont { font, size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let point = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
        self.ops().push(Op::DrawLine { line: Line { points: vec![point(x1, y1), point(x2, y2)], is_closed: false } });
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, mode: PaintMode) {
        let rectangle = Rect { mode: Some(mode), ..Rect::from_xywh(Pt(x), Pt(y), Pt(width), Pt(height)) };
        self.ops().push(Op::DrawRectangle { rectangle });
    }

    fn grey(&mut self, level: f32) {
        self.ops().push(Op::SetFillColor { col: Color::Greyscale(Greyscale::new(level, None)) });
    }

    /// A centred line (the title, the subtitle).
    pub fn centred(&mut self, text: &str, size: f32) {
        for line in self.metrics.wrap(text, size, self.content_width()) {
            let height = self.line_height(size);
            self.ensure(height);
            let x = self.left + (self.content_width() - self.metrics.width(&line, size)) / 2.0;
            self.y -= height;
            self.text_at(x, self.y + (height - size) / 2.0 + size * 0.15, &line, size);
        }
        self.y -= self.size * 0.4;
    }

    /// A section heading, kept with at least two lines of what follows.
    pub fn heading(&mut self, text: &str) {
        let size = self.size + 1.5;
        self.ensure(self.line_height(size) + 2.0 * self.line_height(self.size));
        self.y -= self.size * 0.5;
        for line in self.metrics.wrap(text, size, self.content_width()) {
            self.y -= self.line_height(size);
            let left = self.left;
            self.text_at(left, self.y + size * 0.3, &line, size);
        }
    }

    /// Running text with a first-line indent of `indent` characters.
    pub fn paragraph(&mut self, text: &str, indent: usize) {
        let indented = format!("{}{text}", "\u{3000}".repeat(indent));
        for line in self.metrics.wrap(&indented, self.size, self.content_width()) {
            let height = self.line_height(self.size);
            self.ensure(height);
            self.y -= height;
            let (left, size) = (self.left, self.size);
            self.text_at(left, self.y + size * 0.3, &line, size);
        }
    }

    /// One table row of cells with these widths (points), as tall as its tallest cell.
    pub fn row(&mut self, cells: &[Cell], widths: &[f32], header: Option<(&[Cell], &[f32])>) {
        self.place_row(cells, widths, header, 1);
    }

    /// A row at least `min_lines` tall (room to write by hand).
    pub fn row_with_room(&mut self, cells: &[Cell], widths: &[f32], min_lines: usize) {
        self.place_row(cells, widths, None, min_lines);
    }

    /// How many text lines of a table row fit between `y` and the bottom margin.
    fn row_capacity(&self, y: f32) -> usize {
        ((y - self.bottom - 2.0 * PAD) / self.line_height(self.size)).floor().max(0.0) as usize
    }

    /// A row moves whole to the next page (the table's header repeated) when it does not fit here; a
    /// row taller than a whole page is split, its lines running on over as many pages as they need.
    fn place_row(&mut self, cells: &[Cell], widths: &[f32], header: Option<(&[Cell], &[f32])>, min_lines: usize) {
        let size = self.size;
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(widths).map(|(c, w)| self.metrics.wrap(&c.text, size, w - 2.0 * PAD)).collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(min_lines.max(1));
        let here = self.row_capacity(self.y);
        let fresh_page = self.row_capacity(self.top);
        let too_tall = lines > fresh_page;
        if lines > here && self.y < self.top && (!too_tall || here < 2) {
            self.next_page_with(header);
        }
        let mut done = 0;
        loop {
            let count = (lines - done).min(self.row_capacity(self.y).max(1));
            self.draw_row_lines(cells, widths, &wrapped, done..done + count);
            done += count;
            if done >= lines {
                break;
            }
            self.next_page_with(header);
        }
    }

    fn next_page_with(&mut self, header: Option<(&[Cell], &[f32])>) {
        self.new_page();
        if let Some((header, header_widths)) = header {
            self.row(header, header_widths, None);
        }
    }

    /// The cells' boxes, as tall as `range` of lines, with those lines of each cell's text.
    fn draw_row_lines(&mut self, cells: &[Cell], widths: &[f32], wrapped: &[Vec<String>], range: Range<usize>) {
        let size = self.size;
        let height = range.len() as f32 * self.line_height(size) + 2.0 * PAD;
        let top = self.y;
        let mut x = self.left;
        for ((cell, width), text) in cells.iter().zip(widths).zip(wrapped) {
            if cell.shaded {
                self.grey(0.9);
                self.rect(x, top - height, *width, height, PaintMode::Fill);
                self.grey(0.0);
            }
            self.rect(x, top - height, *width, height, PaintMode::Stroke);
            for (i, line) in text.iter().skip(range.start).take(range.len()).enumerate() {
                let baseline = top - PAD - (i as f32 + 1.0) * self.line_height(size) + size * 0.3;
                self.text_at(x + PAD, baseline, line, size);
            }
            x += width;
        }
        self.y = top - height;
    }

    /// Signature lines, two to a row: the label, then a rule to sign on. The rows stay together: they
    /// go on the page with the content when they fit there, else all of them on the next page.
    pub fn signatures(&mut self, labels: &[String]) {
        let half = self.content_width() / 2.0;
        let height = 8.0 * MM;
        let gap = 2.0 * MM;
        self.ensure(gap + height * labels.chunks(2).len() as f32);
        self.y -= gap;
        for pair in labels.chunks(2) {
            self.y -= height;
            for (i, label) in pair.iter().enumerate() {
                let x = self.left + i as f32 * half;
                let baseline = self.y + 2.0 * MM;
                let size = self.size;
                self.text_at(x, baseline, label, size);
                let start = x + self.metrics.width(label, size) + 1.0 * MM;
                self.rule(start, baseline - 1.0, x + half - 6.0 * MM, baseline - 1.0);
            }
        }
    }

    /// Vertical space.
    pub fn space(&mut self, mm: f32) {
        self.y -= mm * MM;
        if self.y < self.bottom {
            self.new_page();
        }
    }

    /// Write the footer on every page of this form: `{page}` and `{pages}` replaced, counted from
    /// `offset` pages before this form, `total` in all (this form's pages when `None`).
    pub fn footer(&mut self, pattern: &str, bottom_margin_mm: f32, offset: usize, total: Option<usize>) {
        let pages = self.pages.len();
        let total = total.unwrap_or(pages).to_string();
        let size = self.size - 1.5;
        for page in 0..pages {
            let text = pattern.replace("{page}", &(offset + page + 1).to_string()).replace("{pages}", &total);
            let x = self.left + (self.content_width() - self.metrics.width(&text, size)) / 2.0;
            self.text_on(page, x, bottom_margin_mm * MM, &text, size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> ParsedFont {
        let bytes = std::fs::read(crate::pdf::DEFAULT_FONT).expect("the CJK font (.ci/setup installs it)");
        ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).expect("font")
    }

    #[test]
    fn lines_break_by_chinese_rules() {
        let font = font();
        let m = Metrics { font: &font };
        // Ten characters of 10 pt each fit in 100 pt; the full stop may not start a line.
        let lines = m.wrap("一二三四五六七八九十。十一", 10.0, 100.0);
        assert!(!lines[1].starts_with('。'), "{lines:?}");
        assert!(lines.iter().all(|l| m.width(l, 10.0) <= 100.0 + 0.01), "{lines:?}");
        assert_eq!(lines.concat(), "一二三四五六七八九十。十一");
        // A number is not cut while a break elsewhere is possible.
        let lines = m.wrap("收入 12345678 元", 10.0, 60.0);
        assert!(lines.iter().any(|l| l.contains("12345678")), "{lines:?}");
        // Explicit line breaks are kept.
        assert_eq!(m.wrap("甲\n乙", 10.0, 100.0), vec!["甲", "乙"]);
    }

    /// The texts shown on a page, in order.
    fn texts(ops: &[Op]) -> Vec<String> {
        ops.iter()
            .filter_map(|op| match op {
                Op::ShowText { items } => items.iter().find_map(|i| match i {
                    TextItem::Text(t) => Some(t.clone()),
                    _ => None,
                }),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_row_taller_than_a_page_runs_on_over_the_next_pages() {
        let font = font();
        let margins = super::super::template::Margins { top: 15.0, bottom: 15.0, left: 15.0, right: 15.0 };
        let mut page = Composer::new(&font, FontId::new(), 10.0, Default::default(), margins);
        let header = [Cell { text: "项目".into(), shaded: true }, Cell { text: "内容".into(), shaded: true }];
        let widths = [80.0, 400.0];
        page.row(&header, &widths, None);
        let long: String = (1..=150).map(|n| format!("第{n}条问题。\n")).collect();
        page.row(
            &[Cell { text: "发现的问题".into(), shaded: false }, Cell { text: long, shaded: false }],
            &widths,
            Some((&header, &widths)),
        );
        assert!(page.pages.len() >= 3, "150 lines need three pages, got {}", page.pages.len());
        let bottom = page.bottom;
        for (n, ops) in page.pages.iter().enumerate() {
            let shown = texts(ops);
            assert_eq!(&shown[..2], ["项目", "内容"], "page {} starts with the header", n + 1);
            for op in ops {
                if let Op::SetTextCursor { pos } = op {
                    assert!(pos.y.0 >= bottom - 1.0, "page {}: text below the margin at {}", n + 1, pos.y.0);
                }
            }
        }
        // Every line is printed once, in order.
        let all: Vec<String> = page.pages.iter().flat_map(|ops| texts(ops)).filter(|t| t.starts_with('第')).collect();
        assert_eq!(all.len(), 150);
        assert_eq!((all[0].as_str(), all[149].as_str()), ("第1条问题。", "第150条问题。"));
    }

    #[test]
    fn signature_rows_stay_together_on_the_page_when_they_fit() {
        let font = font();
        let margins = super::super::template::Margins { top: 15.0, bottom: 15.0, left: 15.0, right: 15.0 };
        let labels: Vec<String> = ["走访人签字：", "农户签字：", "村审核：", "日期："].map(String::from).to_vec();
        // Two rows and the gap above them need 18 mm: with 19 mm left they stay on the first page.
        let mut page = Composer::new(&font, FontId::new(), 10.0, Default::default(), margins);
        page.y = page.bottom + 19.0 * MM;
        page.signatures(&labels);
        assert_eq!(page.pages.len(), 1);
        assert_eq!(texts(&page.pages[0]), labels);
        // With room for one row only, both rows go to the next page together.
        let mut page = Composer::new(&font, FontId::new(), 10.0, Default::default(), margins);
        page.y = page.bottom + 12.0 * MM;
        page.signatures(&labels);
        assert_eq!(page.pages.len(), 2);
        assert!(texts(&page.pages[0]).is_empty());
        assert_eq!(texts(&page.pages[1]), labels);
    }
}
