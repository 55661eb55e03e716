//! Print templates: one folder per printed form under `print-templates/`, holding `layout.toml` (page,
//! title, blocks bound to data) and, where the form has prose, `text.txt`. Values are MiniJinja
//! expressions over the form's data (`{{ household.head_name }}`). A broken template is refused when it
//! is loaded, with the file and line, never at print time with a crash.

use serde::Deserialize;

/// A form's layout as written in `layout.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The paper: `"A4"` (the default) or `"A4-landscape"` for wide tables.
    #[serde(default)]
    pub page: PageSize,
    /// The heading of the form, centred on its first page (a template expression).
    pub title: String,
    /// A line under the title (a template expression), e.g. the unit and the date.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Body text size in points.
    #[serde(default = "default_font_size")]
    pub font_size: f32,
    #[serde(default)]
    pub margins_mm: Margins,
    /// The footer of every page; `{page}` and `{pages}` count within the form (within the book, for a
    /// form printed in one).
    #[serde(default = "default_footer")]
    pub footer: String,
    pub blocks: Vec<Block>,
}

fn default_font_size() -> f32 {
    10.5
}

fn default_footer() -> String {
    "第 {page} 页 共 {pages} 页".into()
}

/// The paper a form is printed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum PageSize {
    #[default]
    #[serde(rename = "A4")]
    A4,
    #[serde(rename = "A4-landscape")]
    A4Landscape,
}

impl PageSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0, 297.0),
            PageSize::A4Landscape => (297.0, 210.0),
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Default for Margins {
    fn default() -> Margins {
        Margins { top: 18.0, bottom: 18.0, left: 18.0, right: 18.0 }
    }
}

/// One part of the page, laid out top to bottom.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// A section heading.
    Heading { text: String },
    /// Labelled values in a bordered grid, `columns` pairs to a row.
    Fields {
        #[serde(default = "default_columns")]
        columns: usize,
        /// Width of each label cell, in millimetres.
        #[serde(default = "default_label_width")]
        label_width_mm: f32,
        /// `[label, value expression]` pairs.
        fields: Vec<(String, String)>,
        /// Lines of room each value gets at least (space to write by hand on a blank sheet).
        #[serde(default = "default_min_lines")]
        min_lines: usize,
    },
    /// A table bound to a list in the data; its header repeats on every page it runs onto.
    Table {
        /// The list's path in the data (`members`); each item is `row` in the column expressions.
        rows: String,
        columns: Vec<Column>,
        /// What the table says when the list is empty.
        #[serde(default)]
        empty: Option<String>,
        /// Blank rows to add after the list (room for handwriting on a blank sheet).
        #[serde(default)]
        blank_rows: usize,
        /// Leave the whole table out when the list is empty.
        #[serde(default)]
        hide_when_empty: bool,
    },
    /// Running text; `file = "text.txt"` takes it from the form's text file. Each line is a paragraph.
    Paragraph {
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        file: Option<String>,
        /// First-line indent in characters (2 in Chinese documents).
        #[serde(default)]
        indent: usize,
    },
    /// Signature lines: a label and room to sign, two to a row.
    Signatures { lines: Vec<String> },
    /// Vertical space, in millimetres.
    Space { mm: f32 },
}

fn default_columns() -> usize {
    2
}

fn default_min_lines() -> usize {
    1
}

fn default_label_width() -> f32 {
    24.0
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub header: String,
    /// Relative width; the columns share the page's width in these proportions.
    pub width: f32,
    /// A template expression over `row` (and the whole data).
    pub value: String,
}

/// A form's template: its layout and its text, with the file it came from for error messages.
#[derive(Clone, Debug)]
pub struct Template {
    pub form: String,
    pub layout: Layout,
    pub text: Option<String>,
    /// Where the layout came from (a path, or "built-in"), and its source for line numbers.
    pub origin: String,
    pub source: String,
}

/// A template that cannot be used, with where and why. Its text (with the folder it came from) is for the
/// log; users are shown only the form, the file and the line (`place`).
#[derive(Debug, thiserror::Error)]
#[error("print template {form}/{file} ({origin}), line {line}: {message}")]
pub struct TemplateError {
    pub form: String,
    /// `layout.toml` or `text.txt`.
    pub file: &'static str,
    pub origin: String,
    pub line: usize,
    pub message: String,
}

impl TemplateError {
    /// The file within the templates folder, e.g. `visit-sheet/layout.toml`.
    pub fn place(&self) -> String {
        format!("{}/{}", self.form, self.file)
    }
}

impl Template {
    /// Parse a form's layout (and text), checking every expression compiles.
    pub fn parse(form: &str, origin: &str, source: &str, text: Option<String>) -> Result<Template, TemplateError> {
        let layout: Layout = toml::from_str(source).map_err(|e| TemplateError {
            form: form.into(),
            file: "layout.toml",
            origin: origin.into(),
            line: e.span().map_or(1, |span| line_of(source, span.start)),
            message: e.message().to_string(),
        })?;
        let template = Template { form: form.into(), layout, text, origin: origin.into(), source: source.into() };
        template.check()?;
        Ok(template)
    }

    /// Every expression compiles, and every text file the layout names exists.
    fn check(&self) -> Result<(), TemplateError> {
        let env = environment();
        let mut expressions: Vec<&str> = vec![&self.layout.title, &self.layout.footer];
        expressions.extend(self.layout.subtitle.as_deref());
        for block in &self.layout.blocks {
            match block {
                Block::Heading { text } => expressions.push(text),
                Block::Fields { fields, columns, .. } => {
                    if *columns == 0 {
                        return Err(self.error_at("columns", "columns must be at least 1".into()));
                    }
                    expressions.extend(fields.iter().map(|(_, v)| v.as_str()));
                }
                Block::Table { columns, .. } => {
                    if columns.is_empty() || columns.iter().any(|c| c.width <= 0.0) {
                        return Err(self.error_at("columns", "a table needs columns with positive widths".into()));
                    }
                    expressions.extend(columns.iter().map(|c| c.value.as_str()));
                }
                Block::Paragraph { text, file, .. } => match (text, file) {
                    (Some(text), None) => expressions.push(text),
                    (None, Some(_)) if self.text.is_none() => {
                        return Err(self.error_at("file", format!("{}/text.txt is missing", self.form)));
                    }
                    (None, Some(_)) => {}
                    _ => return Err(self.error_at("type = \"paragraph\"", "a paragraph needs text or file".into())),
                },
                Block::Signatures { lines } => expressions.extend(lines.iter().map(String::as_str)),
                Block::Space { .. } => {}
            }
        }
        if let Some(text) = &self.text {
            env.template_from_str(text).map_err(|e| self.error("text.txt", e.line().unwrap_or(1), e.to_string()))?;
        }
        for expression in expressions {
            env.template_from_str(expression).map_err(|e| self.error_at(expression, e.to_string()))?;
        }
        Ok(())
    }

    /// An error at the line of the layout where `needle` first appears outside a comment.
    pub fn error_at(&self, needle: &str, message: String) -> TemplateError {
        let in_comment = |at: usize| {
            let before = self.source.get(..at).unwrap_or_default();
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            before.get(line_start..).unwrap_or_default().trim_start().starts_with('#')
        };
        let line = self
            .source
            .match_indices(needle)
            .map(|(at, _)| at)
            .find(|at| !in_comment(*at))
            .map_or(1, |at| line_of(&self.source, at));
        self.error("layout.toml", line, message)
    }

    fn error(&self, file: &'static str, line: usize, message: String) -> TemplateError {
        TemplateError { form: self.form.clone(), file, origin: self.origin.clone(), line, message }
    }

    /// The text file filled with the data; an error names the text file's line.
    pub fn fill_text(&self, text: &str, data: &minijinja::Value) -> Result<String, TemplateError> {
        environment().render_str(text, data).map_err(|e| self.error("text.txt", e.line().unwrap_or(1), e.to_string()))
    }

    /// Fill in one expression with the data.
    pub fn fill(&self, expression: &str, data: &minijinja::Value) -> Result<String, TemplateError> {
        environment().render_str(expression, data).map_err(|e| self.error_at(expression, e.to_string()))
    }
}

/// The expression language: strict about names (a misspelt field is an error, not a blank), no HTML escaping.
fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// The 1-based line of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    source.get(..offset).unwrap_or(source).matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_layout_names_its_line() {
        let source = "title = \"走访记录\"\n\n[[blocks]]\ntype = \"fields\"\ncolumns = \"二\"\nfields = []\n";
        let e = Template::parse("visit-sheet", "test", source, None).unwrap_err();
        // A block is read whole (its `type` decides its fields), so the error names the block's first line.
        assert_eq!(e.line, 3, "{e}");
        let source = "title = \"走访记录\"\n[[blocks]]\ntype = \"heading\"\ntext = \"{{ household.head_name \"\n";
        let e = Template::parse("visit-sheet", "test", source, None).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let source = "title = \"x\"\n[[blocks]]\ntype = \"paragraph\"\nfile = \"text.txt\"\n";
        let e = Template::parse("commitment", "test", source, None).unwrap_err();
        assert!(e.message.contains("text.txt is missing"), "{e}");
        // A comment mentioning the same words does not take the blame.
        let source = "# subtitle = \"{{ month }\"\ntitle = \"走访记录\"\nsubtitle = \"{{ month }\"\nblocks = []\n";
        let e = Template::parse("visit-sheet", "test", source, None).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn a_text_file_error_names_its_own_line() {
        let layout = "title = \"承诺书\"\n[[blocks]]\ntype = \"paragraph\"\nfile = \"text.txt\"\n";
        let text = "本人承诺：\n一、如实申报；\n二、{{ household.missing_field }}\n";
        let template = Template::parse("commitment", "test", layout, Some(text.into())).unwrap();
        let data = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({ "household": {} })));
        let e = template.fill_text(text, &data).unwrap_err();
        assert_eq!((e.place().as_str(), e.line), ("commitment/text.txt", 3), "{e}");
    }

    proptest::proptest! {
        /// Any layout and text file, and the built-in ones with arbitrary text inserted anywhere, parse
        /// or name a line of the file; filling the text file never panics either.
        #[test]
        fn any_template_parses_or_names_a_line(
            inserted in proptest::prelude::any::<String>(),
            at in 0usize..4000,
            text in proptest::option::of(proptest::prelude::any::<String>()),
        ) {
            let built_in = include_str!("../../../print-templates/commitment/layout.toml");
            let at = built_in.char_indices().map(|(i, _)| i).nth(at).unwrap_or(built_in.len());
            let mutated = format!("{}{inserted}{}", &built_in[..at], &built_in[at..]);
            for source in [inserted.as_str(), mutated.as_str()] {
                match Template::parse("commitment", "test", source, text.clone()) {
                    Ok(template) => {
                        let data = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({})));
                        if let Some(text) = &text {
                            let _ = template.fill_text(text, &data);
                        }
                    }
                    Err(e) => {
                        let lines = source.lines().count().max(text.as_deref().map_or(0, |t| t.lines().count()));
                        proptest::prop_assert!((1..=lines + 1).contains(&e.line), "{e}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_misspelt_field_is_an_error_not_a_blank() {
        let source = "title = \"{{ household.head_nmae }}\"\nblocks = []\n";
        let template = Template::parse("visit-sheet", "test", source, None).unwrap();
        let data = minijinja::Value::from(minijinja::value::Serde(
            serde_json::json!({ "household": { "head_name": "张三" } }),
        ));
        assert!(template.fill(&template.layout.title, &data).is_err());
        let good = "{{ household.head_name }}";
        assert_eq!(template.fill(good, &data).unwrap(), "张三");
    }
}
