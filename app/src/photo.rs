//! Reading picked files in the browser: their first bytes (for the same checks
//! the server makes) and, for big photos, a smaller JPEG.
//!
//! Compression draws the photo through `createImageBitmap`, which turns it
//! upright by its EXIF orientation; the canvas writes a JPEG without EXIF, so no
//! viewer rotates it a second time.

use domain::apply::photo::{PHOTO_QUALITY, compressed_size};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// The first bytes of a file, without reading the rest.
pub async fn first_bytes(blob: &Blob) -> Vec<u8> {
    let Ok(head) = blob.slice_with_f64_and_f64(0.0, domain::apply::files::SNIFF_LEN as f64) else { return Vec::new() };
    match JsFuture::from(head.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The photo as a JPEG with its longest edge within the limit, or `None` when
/// the browser cannot read it (the original is sent then).
pub async fn compress(photo: &Blob) -> Option<Blob> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(photo).ok()?).await.ok()?.dyn_into().ok()?;
    let (width, height) = compressed_size(bitmap.width(), bitmap.height());
    let canvas: web_sys::HtmlCanvasElement = window.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let drawn =
        context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(width), f64::from(height));
    bitmap.close();
    drawn.ok()?;
    let encoded = js_sys::Promise::new(&mut |resolve, _| {
        let _ = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(PHOTO_QUALITY));
    });
    let blob = JsFuture::from(encoded).await.ok()?;
    // Free the pixels at once: a cheap phone has little memory to spare.
    canvas.set_width(0);
    canvas.set_height(0);
    blob.dyn_into::<Blob>().ok()
}

/// SHA-256 (hex) of a picked file, so the same photo picked twice is noticed
/// before it is sent; empty where the browser offers no Web Crypto (the
/// server checks again).
pub async fn digest(blob: &Blob) -> String {
    let Some(subtle) = web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.subtle()) else {
        return String::new();
    };
    let Ok(bytes) = JsFuture::from(blob.array_buffer()).await else { return String::new() };
    let Ok(hashing) = subtle.digest_with_str_and_buffer_source("SHA-256", &bytes.unchecked_into()) else {
        return String::new();
    };
    match JsFuture::from(hashing).await {
        Ok(hash) => js_sys::Uint8Array::new(&hash).to_vec().iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => String::new(),
    }
}
