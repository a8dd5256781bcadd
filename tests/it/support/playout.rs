//! An independent reader of the `cart` chunk (python-cart-chunk, from
//! dev/setup), and test doubles of the playout systems briefcast delivers
//! to, which cannot run on these machines: each checks a request exactly
//! as its project documents it and answers as it answers.
//!
//! `LibreTimeDouble`: LibreTime's legacy media API
//! (legacy/application/modules/rest/controllers/MediaController.php):
//! `POST /rest/media` with the multipart part `file`, the API key as the
//! HTTP basic-auth user with an empty password (`base64(key + ":")`),
//! answered 201 with the file's JSON record; `DELETE /rest/media/{id}`
//! answered 204; a wrong key 401 "ERROR: Incorrect API key.".
//!
//! `AzuraCastDouble`: AzuraCast's station files API
//! (src/Controller/Api/Stations/FilesController.php, Api_UploadFile):
//! `POST /api/station/{id}/files` with `X-API-Key` and the JSON body
//! `{"path", "file": base64}`, answered 200 with the StationMedia record;
//! `PUT /api/station/{id}/file/{media}` with `{"playlists": [...]}`,
//! answered 200 `{"success": true}`; a wrong key 403.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

use super::recorder::{Answer, Recorded, Recorder};

/// One uploaded file as the double took it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The parts of a multipart/form-data body: (name, filename, bytes).
pub fn multipart_parts(request: &Recorded) -> Vec<(String, Option<String>, Vec<u8>)> {
    let content_type = request.header("content-type");
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap_or_else(|| panic!("multipart without a boundary: {content_type}"));
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let find = |from: usize, what: &[u8]| {
        body[from..]
            .windows(what.len())
            .position(|w| w == what)
            .map(|p| p + from)
    };
    let mut at = find(0, delimiter.as_bytes()).expect("a first delimiter") + delimiter.len();
    while body[at..].starts_with(b"\r\n") {
        let head_end = find(at, b"\r\n\r\n").expect("part headers");
        let head = String::from_utf8_lossy(&body[at + 2..head_end]).into_owned();
        let next = find(head_end, format!("\r\n{delimiter}").as_bytes()).expect("part end");
        let field = |key: &str| {
            head.split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{key}=\"")))
                .map(|v| {
                    v.trim_end_matches(['"', '\r', '\n'])
                        .split('"')
                        .next()
                        .unwrap()
                        .to_owned()
                })
        };
        parts.push((
            field("name").unwrap_or_default(),
            field("filename"),
            body[head_end + 4..next].to_vec(),
        ));
        at = next + 2 + delimiter.len();
    }
    parts
}

/// `CartChunk(path).cart_data` as JSON, bytes as hex.
pub fn python_cart(path: &std::path::Path) -> serde_json::Value {
    let python = super::dev::installed("cart-chunk/venv/bin/python");
    let script = "import json, sys, pathlib\nfrom cart_chunk import CartChunk\nc = CartChunk(pathlib.Path(sys.argv[1]))\nassert c.is_cart\nprint(json.dumps({k: (v.hex() if isinstance(v, bytes) else v) for k, v in c.cart_data.items()}))\n";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A fixed text field as python-cart-chunk read it, NUL padding dropped.
pub fn text(cart: &serde_json::Value, field: &str) -> String {
    let hex = cart[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field}: {cart}"));
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

fn json(status: u16, value: serde_json::Value) -> Answer {
    (
        status,
        "application/json",
        value.to_string().into_bytes(),
        vec![],
    )
}

pub struct LibreTimeDouble {
    pub recorder: Recorder,
    pub uploads: Arc<Mutex<Vec<Upload>>>,
}

impl LibreTimeDouble {
    pub fn start(key: &str) -> LibreTimeDouble {
        LibreTimeDouble::start_busy(key, 0)
    }

    /// Answers its first `busy` requests 429 with `Retry-After: 0`, as a
    /// reverse proxy's rate limit in front of LibreTime would.
    pub fn start_busy(key: &str, busy: usize) -> LibreTimeDouble {
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
        );
        let uploads = Arc::new(Mutex::new(Vec::<Upload>::new()));
        let kept = Arc::clone(&uploads);
        let recorder = Recorder::start(Duration::ZERO, move |request, number| {
            if number < busy {
                let wait = vec![("retry-after", "0".to_owned())];
                return (
                    429,
                    "text/html",
                    b"<html>Too Many Requests</html>".to_vec(),
                    wait,
                );
            }
            if request.header("authorization") != expected {
                return (
                    401,
                    "text/plain",
                    b"ERROR: Incorrect API key.".to_vec(),
                    vec![],
                );
            }
            match (request.method.as_str(), request.uri.as_str()) {
                ("POST", "/rest/media") => {
                    let parts = multipart_parts(request);
                    let Some((_, Some(name), bytes)) =
                        parts.into_iter().find(|(field, _, _)| field == "file")
                    else {
                        return (400, "text/plain", b"An error occurred while processing your upload. Please try again in a few minutes.".to_vec(), vec![]);
                    };
                    let mut uploads = kept.lock().unwrap();
                    uploads.push(Upload {
                        name: name.clone(),
                        bytes,
                    });
                    let id = uploads.len() + 100;
                    json(
                        201,
                        serde_json::json!({"id": id, "name": name, "filepath": format!("imported/1/{name}"), "import_status": 1}),
                    )
                }
                ("DELETE", path) if path.starts_with("/rest/media/") => {
                    (204, "text/plain", vec![], vec![])
                }
                _ => (
                    404,
                    "text/plain",
                    b"ERROR: Media not found.".to_vec(),
                    vec![],
                ),
            }
        });
        LibreTimeDouble { recorder, uploads }
    }
}

pub struct AzuraCastDouble {
    pub recorder: Recorder,
    pub uploads: Arc<Mutex<Vec<Upload>>>,
}

impl AzuraCastDouble {
    pub fn start(key: &str, station: &str) -> AzuraCastDouble {
        let key = key.to_owned();
        let files = format!("/api/station/{station}/files");
        let file = format!("/api/station/{station}/file/");
        let uploads = Arc::new(Mutex::new(Vec::<Upload>::new()));
        let kept = Arc::clone(&uploads);
        let recorder = Recorder::start(Duration::ZERO, move |request, _| {
            if request.header("x-api-key") != key {
                return json(
                    403,
                    serde_json::json!({"code": 403, "type": "PermissionDeniedException", "message": "You do not have permission to access this portion of the site.", "success": false}),
                );
            }
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            match request.method.as_str() {
                "POST" if request.uri == files => {
                    let (Some(path), Some(data)) = (body["path"].as_str(), body["file"].as_str())
                    else {
                        return json(
                            400,
                            serde_json::json!({"code": 400, "message": "path: This value should not be blank.", "success": false}),
                        );
                    };
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .unwrap();
                    let mut uploads = kept.lock().unwrap();
                    // The same path replaces the file there.
                    uploads.retain(|u| u.name != path);
                    uploads.push(Upload {
                        name: path.to_owned(),
                        bytes,
                    });
                    let id = 7 + path.len();
                    json(
                        200,
                        serde_json::json!({"id": id, "unique_id": format!("u{id}"), "path": path, "playlists": []}),
                    )
                }
                "PUT" if request.uri.starts_with(&file) => {
                    if !body["playlists"].is_array() {
                        return json(
                            400,
                            serde_json::json!({"code": 400, "message": "bad playlists", "success": false}),
                        );
                    }
                    json(
                        200,
                        serde_json::json!({"code": 200, "success": true, "message": "Changes saved successfully."}),
                    )
                }
                _ => json(
                    404,
                    serde_json::json!({"code": 404, "message": "Record not found.", "success": false}),
                ),
            }
        });
        AzuraCastDouble { recorder, uploads }
    }
}
