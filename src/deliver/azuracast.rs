//! AzuraCast: `POST {url}/api/station/{station}/files` with the JSON body
//! `{"path": "<folder>/<name>", "file": "<base64 of the file>"}` and the
//! key in `X-API-Key`, as its API documents; it answers with the file's
//! record (`id`). A file uploaded again to the same path replaces the one
//! there. With a `playlist`, `PUT {url}/api/station/{station}/file/{id}`
//! with `{"playlists": [id]}` puts it in that playlist (a failure there
//! is reported; the upload stands and is recorded).

use base64::Engine;

use super::http::{record_id, Client};
use super::{DeliverError, Placed};
use crate::config::DeliverConfig;

pub(super) async fn deliver(
    client: &Client,
    config: &DeliverConfig,
    file_name: &str,
    bytes: &[u8],
) -> Result<Placed, DeliverError> {
    let station = config.station.as_deref().unwrap_or_default();
    let folder = config.folder.as_deref().unwrap_or("").trim_matches('/');
    let path = if folder.is_empty() {
        file_name.to_owned()
    } else {
        format!("{folder}/{file_name}")
    };
    let upload = serde_json::json!({
        "path": path,
        "file": base64::engine::general_purpose::STANDARD.encode(bytes),
    })
    .to_string();
    let url = format!("{}/api/station/{station}/files", client.base);
    let body = client
        .send(|http| {
            http.post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(upload.clone())
        })
        .await?;
    let id = record_id(&body)
        .ok_or_else(|| client.answer("an upload answer without the file's id".into()))?;
    let mut problem = None;
    if let Some(playlist) = config.playlist {
        let url = format!("{}/api/station/{station}/file/{id}", client.base);
        let assign = serde_json::json!({ "playlists": [playlist] }).to_string();
        let assigned = client
            .send(|http| {
                http.put(&url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(assign.clone())
            })
            .await;
        if let Err(error) = assigned {
            problem = Some(format!(
                "{path} is uploaded, but not put in playlist {playlist}: {error}"
            ));
        }
    }
    Ok(Placed {
        name: path,
        id: Some(id),
        problem,
    })
}
