//! PDFs made by the tests, as scanners, phone apps and forms make them, and
//! as someone hiding active content would: written object by object with a
//! real cross-reference table (or stream), so a PDF reader opens them.

use std::io::Write;

/// A small deterministic random source (no test depends on a seed's luck).
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            chunk.copy_from_slice(&self.0.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A PDF under construction: numbered objects, then the cross-reference.
pub struct Writer {
    objects: Vec<Vec<u8>>,
}

impl Writer {
    pub fn new() -> Self {
        Self { objects: Vec::new() }
    }

    /// Add an object; its number.
    pub fn add(&mut self, body: Vec<u8>) -> usize {
        self.objects.push(body);
        self.objects.len()
    }

    pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// The header for PDF `version` and every object; where each starts.
    fn objects_after(&self, version: &str) -> (Vec<u8>, Vec<usize>) {
        let mut out = format!("%PDF-{version}\n").into_bytes();
        out.extend_from_slice(b"%\xE2\xE3\xCF\xD3\n");
        let mut offsets = Vec::new();
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            writeln!(out, "{} 0 obj", i + 1).unwrap();
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        (out, offsets)
    }

    /// The file, with a classic cross-reference table; object 1 is the root.
    pub fn finish(self) -> Vec<u8> {
        let (mut out, offsets) = self.objects_after("1.4");
        let xref = out.len();
        writeln!(out, "xref\n0 {}\n0000000000 65535 f ", self.objects.len() + 1).unwrap();
        for offset in offsets {
            writeln!(out, "{offset:010} 00000 n ").unwrap();
        }
        writeln!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF", self.objects.len() + 1).unwrap();
        out
    }

    /// The file with `hidden` objects (numbered after the others) kept in an
    /// object stream encoded with `filter`, and a cross-reference stream, as
    /// PDF 1.5 writers do. Object 1 is the root.
    pub fn finish_with_object_stream(self, hidden: &[&str], filter: Filter) -> Vec<u8> {
        let (mut out, mut offsets) = self.objects_after("1.5");
        let first_hidden = self.objects.len() + 1;
        let stream_number = first_hidden + hidden.len();
        let (mut header, mut data) = (String::new(), String::new());
        for (i, object) in hidden.iter().enumerate() {
            header.push_str(&format!("{} {} ", first_hidden + i, data.len()));
            data.push_str(object);
            data.push('\n');
        }
        let content = format!("{header}\n{data}");
        let (filter_name, encoded) = filter.encode(content.as_bytes());
        offsets.push(out.len());
        writeln!(out, "{stream_number} 0 obj").unwrap();
        out.extend(Self::stream(
            &format!("/Type /ObjStm /N {} /First {} {filter_name}", hidden.len(), header.len() + 1),
            &encoded,
        ));
        out.extend_from_slice(b"\nendobj\n");
        // The cross-reference stream: type 1 (at an offset) or 2 (in the object stream).
        let xref_number = stream_number + 1;
        let xref_offset = out.len();
        let mut entries = vec![0u8, 0, 0, 0, 0, 0xFF, 0xFF];
        let entry = |kind: u8, a: u32, b: u16| [&[kind][..], &a.to_be_bytes(), &b.to_be_bytes()].concat();
        for offset in &offsets[..self.objects.len()] {
            entries.extend(entry(1, u32::try_from(*offset).unwrap(), 0));
        }
        for i in 0..hidden.len() {
            entries.extend(entry(2, u32::try_from(stream_number).unwrap(), u16::try_from(i).unwrap()));
        }
        entries.extend(entry(1, u32::try_from(offsets[self.objects.len()]).unwrap(), 0));
        entries.extend(entry(1, u32::try_from(xref_offset).unwrap(), 0));
        writeln!(out, "{xref_number} 0 obj").unwrap();
        out.extend(Self::stream(&format!("/Type /XRef /Size {} /W [1 4 2] /Root 1 0 R", xref_number + 1), &entries));
        writeln!(out, "\nendobj\nstartxref\n{xref_offset}\n%%EOF").unwrap();
        out
    }
}

/// How an object stream is encoded.
#[derive(Clone, Copy)]
pub enum Filter {
    Flate,
    AsciiHex,
    Ascii85,
}

impl Filter {
    fn encode(self, data: &[u8]) -> (&'static str, Vec<u8>) {
        match self {
            Self::Flate => {
                let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                deflate.write_all(data).unwrap();
                ("/Filter /FlateDecode", deflate.finish().unwrap())
            }
            Self::AsciiHex => {
                let mut hex: Vec<u8> = data.iter().flat_map(|b| format!("{b:02X}").into_bytes()).collect();
                hex.push(b'>');
                ("/Filter /ASCIIHexDecode", hex)
            }
            Self::Ascii85 => ("/Filter /ASCII85Decode", ascii85(data)),
        }
    }
}

/// ASCII base-85 (PDF 32000-1, 7.4.3), ending in `~>`.
fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut value = u32::from_be_bytes(word);
        if chunk.len() == 4 && value == 0 {
            out.push(b'z');
            continue;
        }
        let mut digits = [0u8; 5];
        for digit in digits.iter_mut().rev() {
            *digit = (value % 85) as u8 + b'!';
            value /= 85;
        }
        out.extend_from_slice(&digits[..chunk.len() + 1]);
    }
    out.extend_from_slice(b"~>");
    out
}

/// A catalog and page tree with `pages` pages; each page's object body is
/// made by `page(index, writer)` and added by the caller's closure.
fn document(pages: usize, mut page: impl FnMut(usize, &mut Writer) -> Vec<u8>, extra_catalog: &str) -> Writer {
    let mut writer = Writer::new();
    let catalog = writer.add(Vec::new());
    let tree = writer.add(Vec::new());
    let mut kids = Vec::new();
    for index in 0..pages {
        let body = page(index, &mut writer);
        kids.push(format!("{} 0 R", writer.add(body)));
    }
    writer.objects[catalog - 1] = format!("<< /Type /Catalog /Pages {tree} 0 R {extra_catalog} >>").into_bytes();
    writer.objects[tree - 1] = format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).into_bytes();
    writer
}

/// A scan as a scanner or phone app makes it: `pages` pages of about
/// `bytes / pages` each, every page one JPEG (SOI, a JFIF header, noise for
/// the compressed data — which holds bytes like `/JS` by chance — and EOI).
pub fn scanned(pages: usize, bytes: usize, colour: bool, seed: u64) -> Vec<u8> {
    let mut noise = Noise::new(seed);
    let per_page = (bytes / pages.max(1)).max(64);
    let space = if colour { "/DeviceRGB" } else { "/DeviceGray" };
    document(
        pages,
        |index, writer| {
            let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
            let start = jpeg.len();
            jpeg.resize(start + per_page, 0);
            noise.fill(&mut jpeg[start..]);
            jpeg.extend_from_slice(&[0xFF, 0xD9]);
            let image = writer.add(Writer::stream(
                &format!(
                    "/Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace {space} \
                     /BitsPerComponent 8 /Filter /DCTDecode"
                ),
                &jpeg,
            ));
            let contents = writer.add(Writer::stream("", b"q 595 0 0 842 0 0 cm /Im0 Do Q"));
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 {image} 0 R >> >> \
                 /Contents {contents} 0 R >> % page {index}"
            )
            .into_bytes()
        },
        "",
    )
    .finish()
}

/// A one-page form whose text layer says `text` (as a filled-in form does).
pub fn form(text: &str) -> Vec<u8> {
    document(
        1,
        |_, writer| {
            let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            // The text twice: shown (UTF-16), and as the UTF-8 comment some writers leave.
            let content = format!("BT /F1 12 Tf 60 780 Td <{hex}> Tj ET\n% {text}\n");
            let contents = writer.add(Writer::stream("", content.as_bytes()));
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R >>").into_bytes()
        },
        "",
    )
    .finish()
}

/// A one-page document whose catalog carries `extra` (an /OpenAction, /Names,
/// /AcroForm…) and, hidden in an object stream encoded with `filter`, the
/// objects `hidden` (numbered from 5: catalog 1, pages 2, contents 3, page 4).
pub fn with_hidden(extra: &str, hidden: &[&str], filter: Option<Filter>) -> Vec<u8> {
    let writer = document(
        1,
        |_, writer| {
            let contents = writer.add(Writer::stream("", b"BT /F1 12 Tf 60 780 Td (form) Tj ET"));
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R >>").into_bytes()
        },
        extra,
    );
    match filter {
        Some(filter) => writer.finish_with_object_stream(hidden, filter),
        None => {
            let mut writer = writer;
            for object in hidden {
                writer.add(object.as_bytes().to_vec());
            }
            writer.finish()
        }
    }
}
