//! A document as an A4 PDF (krilla): the title, number, addressee, the
//! paragraphs wrapped to the page, the issuer and date — in the centre's CJK
//! font, subset and embedded, with the text extractable (ToUnicode).

use std::sync::Arc;

use domain::case::document::DocumentText;
use krilla::Document;
use krilla::geom::{Point, Size, Transform};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use crate::AppState;
use crate::error::ApiError;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 72.0;
const BODY: f32 = 12.0;
const LEADING: f32 = 1.9;

/// The font, read once; `None` when the file is missing or unreadable.
fn font(state: &AppState) -> Option<Font> {
    let bytes = state.document_font.get_or_init(|| match std::fs::read(&state.documents.document_font) {
        Ok(bytes) => Some(Arc::new(bytes)),
        Err(error) => {
            tracing::warn!(%error, font = %state.documents.document_font.display(), "the documents' font cannot be read");
            None
        }
    });
    Font::new(Arc::clone(bytes.as_ref()?).into(), state.documents.document_font_index)
}

/// How wide `text` is at `size`: a CJK character one em, Latin letters and digits about half.
fn width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| if c.is_ascii() { 0.55 } else { 1.0 }).sum::<f32>() * size
}

/// `text` cut into lines that fit `room` points, the first indented by two characters.
fn wrap(text: &str, size: f32, room: f32, indent: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = if indent { "\u{3000}\u{3000}".to_owned() } else { String::new() };
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if width(&candidate, size) > room && !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.push(c);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The seal's side, in points (42 mm, the common size of an official seal).
const SEAL: f32 = 119.0;

/// The PDF of `document`, with the issuer's `seal` (PNG) over its name, or
/// why it cannot be made.
pub fn render(state: &AppState, document: &DocumentText, seal: Option<&[u8]>) -> Result<Vec<u8>, ApiError> {
    let seal = match seal.map(|png| krilla::image::Image::from_png(png.to_vec().into(), true)).transpose() {
        Ok(image) => image,
        Err(error) => {
            tracing::warn!(%error, "a seal image is not a PNG; the document is issued unsealed");
            None
        }
    };
    let font = font(state)
        .ok_or_else(|| ApiError::Unavailable("文书字体没有安装，暂时只能打印网页版文书，请联系管理员".to_owned()))?;
    let mut pdf = Document::new();
    let settings = PageSettings::from_wh(WIDTH, HEIGHT).expect("A4 is a valid page size");
    let room = WIDTH - 2.0 * MARGIN;
    // (text, size, x) lines, top to bottom; a new page when the next does not fit.
    let mut lines: Vec<(String, f32, f32)> = Vec::new();
    let centred = |text: &str, size: f32| (text.to_owned(), size, (WIDTH - width(text, size)) / 2.0);
    lines.push(centred(&document.title, 22.0));
    lines.push(centred(&document.number, BODY));
    lines.push((String::new(), BODY, MARGIN));
    lines.push((document.addressee.clone(), BODY, MARGIN));
    for paragraph in &document.paragraphs {
        lines.extend(wrap(paragraph, BODY, room, true).into_iter().map(|l| (l, BODY, MARGIN)));
    }
    lines.push((String::new(), BODY, MARGIN));
    for text in [document.issuer.clone(), document.issued_on.chinese()] {
        let x = WIDTH - MARGIN - width(&text, BODY);
        lines.push((text, BODY, x));
    }
    let mut pages = lines.chunks(((HEIGHT - 2.0 * MARGIN) / (BODY * LEADING)) as usize).peekable();
    while let Some(chunk) = pages.next() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut y = MARGIN + 22.0;
        for (text, size, x) in chunk {
            if !text.is_empty() {
                surface.draw_text(Point::from_xy(*x, y), font.clone(), *size, text, false, TextDirection::Auto);
            }
            y += size * LEADING;
        }
        let last = pages.peek().is_none();
        if let (true, Some(image)) = (last, seal.clone()) {
            // Over the issuer and the date (the last two lines), as a seal is pressed.
            let centre = (WIDTH - MARGIN - 3.0 * BODY, y - 2.5 * BODY * LEADING);
            surface.push_transform(&Transform::from_translate(centre.0 - SEAL / 2.0, centre.1 - SEAL / 2.0));
            surface.draw_image(image, Size::from_wh(SEAL, SEAL).expect("a seal has a size"));
            surface.pop();
        }
        surface.finish();
        page.finish();
        if last {
            break;
        }
    }
    pdf.finish().map_err(|e| ApiError::Internal(anyhow::anyhow!("the document's PDF could not be made: {e:?}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_paragraphs_wrap_inside_the_margins() {
        let lines = super::wrap(&"审".repeat(80), 12.0, 451.0, true);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| super::width(l, 12.0) <= 451.0));
        assert!(lines[0].starts_with('\u{3000}'));
    }
}
