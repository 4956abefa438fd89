//! A PDF judged by its structure, not its bytes.
//!
//! Scanning raw bytes for names such as `/JS` refused honest scans (a JPEG's
//! compressed data holds such bytes by chance, the likelier the larger the
//! scan) and let through a script in an object stream encoded in ASCIIHex or
//! ASCII85. So the file is parsed (lopdf, leniently, as readers do), every
//! object stream decoded with every filter it uses, and only dictionaries
//! and actions are looked at — never page or image data.
//!
//! Decoding is bounded per stream ([`MAX_STREAM`]), runs on a blocking thread
//! (never on the async runtime), at most [`AT_ONCE`] files at a time, and is
//! given up after [`TIME_LIMIT`].

use std::sync::LazyLock;
use std::time::Duration;

use lopdf::{Dictionary, Object};

/// The most one stream may decode to while the file is read.
const MAX_STREAM: usize = 32 * 1_048_576;
/// PDFs checked at once (each may take a core).
const AT_ONCE: usize = 2;
/// How long one check may take.
const TIME_LIMIT: Duration = Duration::from_secs(20);

static CHECKS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(AT_ONCE));

/// Why a PDF is refused, in a citizen's words (completing "里含有…").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    Script,
    Launch,
    EmbeddedFile,
    RichMedia,
    DynamicForm,
    SubmitForm,
    ImportData,
    OtherFile,
    /// Not readable as a PDF at all.
    Unreadable,
    /// Too big or too slow to look through.
    TooComplex,
}

impl Finding {
    pub fn words(self) -> &'static str {
        match self {
            Self::Script => "脚本（JavaScript）",
            Self::Launch => "启动其他程序的动作",
            Self::EmbeddedFile => "夹带的其他文件",
            Self::RichMedia => "音视频等多媒体内容",
            Self::DynamicForm => "动态表单（XFA）",
            Self::SubmitForm => "把表单内容发往网络的动作",
            Self::ImportData => "从外部导入数据的动作",
            Self::OtherFile => "打开其他文件的链接",
            Self::Unreadable => "无法读取的内容（文件可能已损坏）",
            Self::TooComplex => "过于复杂、无法完成安全检查的内容",
        }
    }
}

/// What a PDF carries that a scan or a filled-in form never needs, if anything.
pub async fn judge(bytes: Vec<u8>) -> Option<Finding> {
    let Ok(_permit) = CHECKS.acquire().await else { return Some(Finding::TooComplex) };
    let work = tokio::task::spawn_blocking(move || judge_now(&bytes));
    match tokio::time::timeout(TIME_LIMIT, work).await {
        Ok(Ok(finding)) => finding,
        Ok(Err(_)) | Err(_) => Some(Finding::TooComplex),
    }
}

/// [`judge`], on this thread.
pub fn judge_now(bytes: &[u8]) -> Option<Finding> {
    let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_STREAM), ..Default::default() };
    let document = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(lopdf::Error::Decompress(_)) => return Some(Finding::TooComplex),
        Err(_) => return Some(Finding::Unreadable),
    };
    let trailer = in_dictionary(&document.trailer, 0);
    trailer.or_else(|| document.objects.values().find_map(|object| in_object(object, 0)))
}

/// How deep dictionaries and arrays may nest (real files stay within a few).
const MAX_DEPTH: usize = 100;

fn in_object(object: &Object, depth: usize) -> Option<Finding> {
    if depth > MAX_DEPTH {
        return Some(Finding::TooComplex);
    }
    match object {
        Object::Dictionary(dictionary) => in_dictionary(dictionary, depth + 1),
        Object::Stream(stream) => {
            // An object stream's objects are loaded as objects of their own;
            // other streams' data (pages, images) is never looked at.
            in_dictionary(&stream.dict, depth + 1)
        }
        Object::Array(items) => items.iter().find_map(|item| in_object(item, depth + 1)),
        Object::Null
        | Object::Boolean(_)
        | Object::Integer(_)
        | Object::Real(_)
        | Object::Name(_)
        | Object::String(..)
        | Object::Reference(_) => None,
    }
}

fn in_dictionary(dictionary: &Dictionary, depth: usize) -> Option<Finding> {
    for (key, value) in dictionary.iter() {
        let found = match key.as_slice() {
            b"JS" | b"JavaScript" => Some(Finding::Script),
            b"EmbeddedFiles" | b"EmbeddedFile" => Some(Finding::EmbeddedFile),
            b"XFA" => Some(Finding::DynamicForm),
            b"RichMediaContent" | b"RichMediaSettings" => Some(Finding::RichMedia),
            b"S" | b"Type" | b"Subtype" => value.as_name().ok().and_then(by_name),
            _ => None,
        };
        if let Some(found) = found.or_else(|| in_object(value, depth)) {
            return Some(found);
        }
    }
    None
}

/// An action's type (`/S`) or an object's (`/Type`, `/Subtype`).
fn by_name(name: &[u8]) -> Option<Finding> {
    match name {
        b"JavaScript" => Some(Finding::Script),
        b"Launch" => Some(Finding::Launch),
        b"EmbeddedFile" => Some(Finding::EmbeddedFile),
        b"RichMedia" | b"Sound" | b"Movie" | b"Rendition" => Some(Finding::RichMedia),
        b"SubmitForm" => Some(Finding::SubmitForm),
        b"ImportData" => Some(Finding::ImportData),
        b"GoToR" | b"GoToE" => Some(Finding::OtherFile),
        _ => None,
    }
}
