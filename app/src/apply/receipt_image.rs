//! 保存为图片: WeChat's in-app browser cannot print, but a picture can be
//! long-pressed and saved to the phone's album. The receipt's facts are drawn
//! on a canvas and shown as an image with its text as the alternative.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Width of the picture in pixels: sharp on a phone at twice its CSS size.
const WIDTH: f64 = 720.0;
const MARGIN: f64 = 40.0;
const LINE: f64 = 48.0;

/// `text` broken into lines that fit `width` as `context` measures them.
fn wrap(context: &web_sys::CanvasRenderingContext2d, text: &str, width: f64) -> Vec<String> {
    let mut lines = vec![String::new()];
    for c in text.chars() {
        let last = lines.last_mut().expect("one line at least");
        last.push(c);
        if context.measure_text(last).map(|m| m.width()).unwrap_or(0.0) > width && last.chars().count() > 1 {
            last.pop();
            lines.push(c.to_string());
        }
    }
    lines
}

/// The receipt's rows drawn as a PNG data URL, or `None` where canvas fails.
fn draw(title: &str, rows: &[(String, String)]) -> Option<String> {
    let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas").ok()?.dyn_into().ok()?;
    let context: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    canvas.set_width(WIDTH as u32);
    context.set_font("28px sans-serif");
    let lines: Vec<String> = rows
        .iter()
        .flat_map(|(label, value)| wrap(&context, &format!("{label}：{value}"), WIDTH - 2.0 * MARGIN))
        .collect();
    canvas.set_height((MARGIN * 2.0 + LINE * (lines.len() as f64 + 1.5)) as u32);
    // Setting the size resets the context: white paper, dark text.
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, WIDTH, f64::from(canvas.height()));
    context.set_fill_style_str("#1a1a1a");
    context.set_font("bold 34px sans-serif");
    context.fill_text(title, MARGIN, MARGIN + LINE * 0.8).ok()?;
    context.set_font("28px sans-serif");
    for (i, line) in lines.iter().enumerate() {
        context.fill_text(line, MARGIN, MARGIN + LINE * (i as f64 + 2.0)).ok()?;
    }
    canvas.to_data_url().ok()
}

/// The 保存为图片 button and, once pressed, the picture to long-press.
#[component]
pub fn ReceiptImage(title: String, rows: Vec<(String, String)>) -> impl IntoView {
    let picture = RwSignal::new(None::<String>);
    let alt = rows.iter().map(|(k, v)| format!("{k}：{v}")).collect::<Vec<_>>().join("；");
    let make = move |_| {
        picture.set(draw(&title, &rows));
        crate::shell::announce::say("回执图片已生成，长按图片保存到手机相册");
    };
    view! {
        <button type="button" class="button button--secondary" on:click=make>
            "保存为图片"
        </button>
        {move || {
            picture
                .get()
                .map(|src| {
                    view! {
                        <figure class="receipt__image">
                            <img src=src alt=alt.clone() width="360" />
                            <figcaption>
                                "长按图片，选择“保存图片”，回执就存到手机相册里了。"
                            </figcaption>
                        </figure>
                    }
                })
        }}
    }
}
