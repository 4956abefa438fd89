//! PDFs judged by their structure: honest scans of every size pass, however
//! their image data happens to look; scripts, launch actions, dynamic forms,
//! submit actions and embedded files are refused, however they are hidden.

use serde_json::{Value, json};

use crate::pdfs::{self, Filter};
use crate::support::{TestApp, applicant_client, spawn_app, upload_as};

/// Upload `pdf` as 道路货物运输经营许可's 安全生产管理制度 (PDFs up to 30 MB), with
/// a new application each time, and check it: the status and the answer.
async fn check(app: &TestApp, name: &str, pdf: &[u8]) -> (u16, Value) {
    let client = applicant_client(&app.address).await;
    let id = upload_as(&client, &app.address, "JT-001", "safety_rules", name, pdf).await;
    let answer = client.post(format!("{}/api/upload-checks", app.address)).json(&json!({"upload": id})).send().await;
    let answer = answer.unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

#[tokio::test]
async fn forty_honest_scans_of_every_size_pass() {
    let app = spawn_app().await;
    let sizes = [60_000, 150_000, 400_000, 1_000_000, 2_500_000, 4_000_000];
    for i in 0..40usize {
        let (pages, size, colour) = (1 + (i * 7) % 20, sizes[i % sizes.len()], i % 2 == 0);
        let scan = pdfs::scanned(pages, size, colour, i as u64);
        let (status, answer) = check(&app, &format!("扫描件{i}.pdf"), &scan).await;
        assert_eq!(status, 200, "scan {i} ({pages} pages, {size} bytes, colour {colour}): {answer}");
    }
    // A 20 MB scan, judged directly (as the check does, off the async runtime).
    let big = pdfs::scanned(20, 20 * 1_048_576, true, 99);
    assert_eq!(bianmin::apply::uploads::pdf::judge(big).await, None);
    // The centre's own forms pass too.
    for form in ["driver-qualification-application", "food-business-application", "vehicle-pledge"] {
        let path = format!("{}/../public/forms/{form}.pdf", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(check(&app, "表.pdf", &std::fs::read(path).unwrap()).await.0, 200, "{form}");
    }
}

#[tokio::test]
async fn hidden_scripts_actions_forms_and_files_are_refused_in_plain_words() {
    let app = spawn_app().await;
    let script = "<< /Type /Action /S /JavaScript /JS (app.launchURL\\('http://x'\\)) >>";
    let launch = "<< /Type /Action /S /Launch /F (cmd.exe) >>";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("脚本在 ASCIIHex 对象流里", pdfs::with_hidden("/OpenAction 5 0 R", &[script], Some(Filter::AsciiHex)), "脚本"),
        (
            "启动程序在 ASCII85 对象流里",
            pdfs::with_hidden("/OpenAction 5 0 R", &[launch], Some(Filter::Ascii85)),
            "启动其他程序",
        ),
        ("脚本在压缩对象流里", pdfs::with_hidden("/OpenAction 5 0 R", &[script], Some(Filter::Flate)), "脚本"),
        ("名字里藏着转义", pdfs::with_hidden("/OpenAction << /S /J#61vaScript /JS (x) >>", &[], None), "脚本"),
        (
            "XFA 表单",
            pdfs::with_hidden("/AcroForm << /Fields [] /XFA 5 0 R >>", &["<< /Length 0 >>\nstream\n\nendstream"], None),
            "XFA",
        ),
        (
            "提交表单",
            pdfs::with_hidden("/OpenAction << /S /SubmitForm /F << /FS /URL /F (http://x) >> >>", &[], None),
            "发往网络",
        ),
        (
            "嵌入文件",
            pdfs::with_hidden(
                "/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
                &["<< /Type /Filespec /F (a.exe) >>"],
                None,
            ),
            "夹带的其他文件",
        ),
        (
            "打开其他文件",
            pdfs::with_hidden("/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>", &[], None),
            "其他文件",
        ),
        ("导入数据", pdfs::with_hidden("/OpenAction << /S /ImportData /F (data.fdf) >>", &[], None), "导入数据"),
    ];
    for (what, pdf, words) in cases {
        let (status, answer) = check(&app, "表.pdf", &pdf).await;
        assert_eq!(status, 422, "{what}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(words) && message.starts_with("“表.pdf”里含有"), "{what}: {message}");
    }
    // A stream that inflates far beyond any real one is given up on, not inflated.
    let mut zeros = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zeros, &vec![b' '; 64 * 1_048_576]).unwrap();
    let bomb = zeros.finish().unwrap();
    let mut writer = pdfs::Writer::new();
    writer.add(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    writer.add(b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec());
    writer.add(pdfs::Writer::stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &bomb));
    let (status, answer) = check(&app, "表.pdf", &writer.finish()).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("过于复杂"), "{answer}");
    // Not a PDF inside at all.
    let (status, _) = check(&app, "表.pdf", b"%PDF-1.7\nnothing more").await;
    assert_eq!(status, 422);
}
