//! A document as a page for the browser's print dialog: the same words as
//! the PDF, escaped, A4 margins, no script.

use domain::case::document::DocumentText;

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The printable page of `document`, with the issuer's `seal` (PNG) over its name.
pub fn render(document: &DocumentText, seal: Option<&[u8]>) -> String {
    use base64::Engine;
    let seal = seal.map_or(String::new(), |png| {
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        format!("<img class=\"seal\" src=\"data:image/png;base64,{data}\" alt=\"印章\">")
    });
    let paragraphs: String = document.paragraphs.iter().map(|p| format!("<p>{}</p>\n", escape(p))).collect();
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>@page{{size:A4;margin:25mm}}body{{font:16px/1.9 sans-serif;max-width:40em;margin:2em auto;color:#000}}\
         h1{{text-align:center;font-size:1.6em;margin:0}}.number{{text-align:center}}p{{text-indent:2em;margin:0}}\
         .to{{text-indent:0;margin-top:1.5em}}.sign{{text-align:right;text-indent:0;margin-top:2em;position:relative}}\
         .seal{{position:absolute;right:1em;top:-2.2em;width:42mm;height:42mm;opacity:.85}}</style></head>\n\
         <body><h1>{title}</h1><p class=\"number\">{number}</p><p class=\"to\">{to}</p>\n{paragraphs}\
         <p class=\"sign\">{issuer}<br>{date}{seal}</p></body></html>\n",
        title = escape(&document.title),
        number = escape(&document.number),
        to = escape(&document.addressee),
        issuer = escape(&document.issuer),
        date = document.issued_on.chinese(),
    )
}
