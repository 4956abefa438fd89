//! The content check's time on a large scan: a 10-page PDF of about 20 MB
//! (JPEG pages as a scanner writes them) uploaded to the release server, then
//! `POST /api/upload-checks` as the app calls it once the last byte is in: the
//! type by content, the PDF judged by its structure (lopdf, off the request
//! threads), no virus scanner configured. Five files, the median reported.

use std::time::Instant;

use anyhow::bail;

use crate::serve::Server;
use crate::upload_bench::{application_key, request_body};

const PAGES: usize = 10;
const PAGE_BYTES: usize = 2_050_000;
const FILES: usize = 5;

/// A PDF whose pages are each one JPEG image: the shape of every scanner's and
/// phone app's output. The image bytes are pseudo-random after a JPEG header,
/// as compressed data looks (and where a byte-scanning check would misfire).
fn scan(seed: u64) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, text: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(text);
    };
    let kids: Vec<String> = (0..PAGES).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    object(&mut out, b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    object(
        &mut out,
        format!("2 0 obj\n<< /Type /Pages /Kids [{}] /Count {PAGES} >>\nendobj\n", kids.join(" ")).as_bytes(),
    );
    let mut state = seed | 1;
    for i in 0..PAGES {
        let (page, contents, image) = (3 + i * 3, 4 + i * 3, 5 + i * 3);
        object(
            &mut out,
            format!(
                "{page} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R \
                 /Resources << /XObject << /Im0 {image} 0 R >> >> >>\nendobj\n"
            )
            .as_bytes(),
        );
        let draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q";
        let mut text = format!("{contents} 0 obj\n<< /Length {} >>\nstream\n", draw.len()).into_bytes();
        text.extend_from_slice(draw);
        text.extend_from_slice(b"\nendstream\nendobj\n");
        object(&mut out, &text);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
        while jpeg.len() < PAGE_BYTES - 2 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            jpeg.extend_from_slice(&state.to_le_bytes());
        }
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        let mut text = format!(
            "{image} 0 obj\n<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        text.extend_from_slice(&jpeg);
        text.extend_from_slice(b"\nendstream\nendobj\n");
        object(&mut out, &text);
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for offset in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).as_bytes(),
    );
    out
}

/// Print the check's median time on a 20 MB scan (`cargo xtask bench check`).
pub fn report() -> anyhow::Result<()> {
    let server = Server::start("check-bench")?;
    let mut times = Vec::new();
    let mut size = 0;
    for i in 0..FILES {
        let body = scan(i as u64 + 7);
        size = body.len();
        let key = application_key(server.port)?;
        let id = crate::case_bench::upload(server.port, &key, "application", None, "扫描件.pdf", &body)?;
        let check = serde_json::json!({ "upload": id }).to_string();
        let headers = [("Application-Key", key), ("Content-Type", "application/json".to_owned())];
        let started = Instant::now();
        let (status, _, answer) = request_body(server.port, "POST", "/api/upload-checks", &headers, check.as_bytes())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if status != 200 {
            bail!("the check refused an honest scan: {status} {answer}");
        }
    }
    times.sort_by(f64::total_cmp);
    println!();
    println!(
        "| content check, {PAGES}-page JPEG scan in a PDF ({:.1} MB), release server, median of {FILES} | time |",
        size as f64 / 1e6
    );
    println!("|---|---:|");
    println!("| `POST /api/upload-checks` (type by content, PDF structure) | {:.0} ms |", times[FILES / 2]);
    println!("| fastest / slowest | {:.0} / {:.0} ms |", times[0], times[FILES - 1]);
    Ok(())
}
