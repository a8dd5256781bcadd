//! LibreTime: `POST {url}/rest/media`, the file as the multipart part
//! `file`, the API key (`general.api_key` of its config.yml) as the HTTP
//! basic-auth user with an empty password, as LibreTime's legacy API
//! documents; it answers 201 with the new file's JSON record (`id`). A
//! changed episode is uploaded anew, then the upload it replaces is
//! removed (`DELETE {url}/rest/media/{id}`), so the library holds one
//! copy and never none; one that cannot be removed is reported, the new
//! one recorded all the same.

use super::http::{record_id, Client};
use super::{DeliverError, Placed};

pub(super) async fn deliver(
    client: &Client,
    file_name: &str,
    bytes: &[u8],
    previous: Option<&Placed>,
) -> Result<Placed, DeliverError> {
    let url = format!("{}/rest/media", client.base);
    let mime = if file_name.ends_with(".mp3") {
        "audio/mpeg"
    } else {
        "audio/wav"
    };
    let body = client
        .send(|http| {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(file_name.to_owned())
                .mime_str(mime)
                .expect("a valid MIME type");
            http.post(&url)
                .multipart(reqwest::multipart::Form::new().part("file", part))
        })
        .await?;
    let id = record_id(&body)
        .ok_or_else(|| client.answer("an upload answer without the file's id".into()))?;
    let mut problem = None;
    let old = previous
        .and_then(|p| p.id.as_ref())
        .filter(|old| **old != id);
    if let Some(old) = old {
        let url = format!("{}/rest/media/{old}", client.base);
        match client.send(|http| http.delete(&url)).await {
            // Already gone (removed at the station): nothing to do.
            Ok(_) | Err(DeliverError::Http { status: 404, .. }) => {}
            Err(error) => {
                problem = Some(format!(
                    "the new upload is in as {id}, but the earlier one ({old}) is still in LibreTime's library: {error}"
                ))
            }
        }
    }
    Ok(Placed {
        name: file_name.to_owned(),
        id: Some(id),
        problem,
    })
}
