//! The podcast feed (`feed.xml`): RSS 2.0 with the `itunes` and Podcasting 2.0
//! `podcast` namespaces, one item per episode.
//!
//! Owns XML escaping, URL joining and the channel's `podcast:guid`. The caller
//! gathers what goes in (file sizes, durations, dates) and decides what to
//! warn about; nothing here reads the clock or the file system, so the same
//! input gives the same bytes.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use uuid::Uuid;

use crate::util::escape_xml;

/// The feed's own file name, used for `atom:link rel="self"` and `podcast:guid`.
pub const FEED_FILE: &str = "feed.xml";

/// `podcast:guid` namespace from the Podcasting 2.0 `guid` tag.
const PODCAST_NAMESPACE: Uuid = Uuid::from_u128(0xead4c236_bf58_58c6_a2c6_a6b28d128cb6);

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub title: String,
    pub description: String,
    pub language: String,
    pub author: Option<String>,
    /// Where the output folder is served; `None` gives relative URLs.
    pub base_url: Option<String>,
    /// Cover art file name or absolute URL.
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub title: String,
    pub speaker: String,
    pub guid: String,
    pub pub_date_unix: i64,
    pub enclosure_file: String,
    /// File size in bytes.
    pub enclosure_length: u64,
    pub enclosure_type: String,
    pub duration_seconds: u64,
    pub chapters_file: String,
    pub vtt_file: String,
    pub srt_file: String,
    pub description: String,
}

/// `base/file` with exactly one `/` between, or `file` alone (relative);
/// absolute URLs pass through. Bytes outside the URL-safe set are %-encoded.
pub fn join_url(base: Option<&str>, file: &str) -> String {
    if file.contains("://") {
        return file.to_string();
    }
    let mut path = String::new();
    for byte in file.trim_start_matches('/').bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            path.push(byte as char);
        } else {
            let _ = write!(path, "%{byte:02X}");
        }
    }
    match base {
        Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
        None => path,
    }
}

/// Podcasting 2.0 `podcast:guid`: UUIDv5 of the feed URL without its scheme
/// and trailing slashes.
pub fn podcast_guid(feed_url: &str) -> String {
    let bare = feed_url
        .split_once("://")
        .map_or(feed_url, |(_, rest)| rest);
    Uuid::new_v5(&PODCAST_NAMESPACE, bare.trim_end_matches('/').as_bytes()).to_string()
}

/// RFC 2822 date in GMT (IMF-fixdate), clamped to what httpdate can print.
fn rfc2822(unix: i64) -> String {
    let seconds = unix.clamp(0, 253_402_300_799) as u64;
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The whole feed, items in the order given.
pub fn rss(channel: &Channel, items: &[Item]) -> String {
    let base = channel.base_url.as_deref();
    let url = |file: &str| escape_xml(&join_url(base, file));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(" <channel>\n");
    let _ = writeln!(x, "  <title>{}</title>", escape_xml(&channel.title));
    if let Some(base) = base {
        let _ = writeln!(x, "  <link>{}</link>", escape_xml(base));
    }
    let _ = writeln!(
        x,
        "  <description>{}</description>",
        escape_xml(&channel.description)
    );
    let _ = writeln!(
        x,
        "  <language>{}</language>",
        escape_xml(&channel.language)
    );
    if base.is_some() {
        let self_url = url(FEED_FILE);
        let _ = writeln!(
            x,
            "  <atom:link href=\"{self_url}\" rel=\"self\" type=\"application/rss+xml\"/>"
        );
    }
    if let Some(author) = &channel.author {
        let _ = writeln!(x, "  <itunes:author>{}</itunes:author>", escape_xml(author));
    }
    x.push_str("  <itunes:explicit>false</itunes:explicit>\n");
    if let Some(image) = &channel.image {
        let _ = writeln!(x, "  <itunes:image href=\"{}\"/>", url(image));
    }
    if base.is_some() {
        let guid = podcast_guid(&join_url(base, FEED_FILE));
        let _ = writeln!(x, "  <podcast:guid>{guid}</podcast:guid>");
    }
    for item in items {
        x.push_str("  <item>\n");
        let _ = writeln!(x, "   <title>{}</title>", escape_xml(&item.title));
        let _ = writeln!(
            x,
            "   <description>{}</description>",
            escape_xml(&item.description)
        );
        let _ = writeln!(
            x,
            "   <guid isPermaLink=\"false\">{}</guid>",
            escape_xml(&item.guid)
        );
        let _ = writeln!(x, "   <pubDate>{}</pubDate>", rfc2822(item.pub_date_unix));
        let _ = writeln!(
            x,
            "   <enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>",
            url(&item.enclosure_file),
            item.enclosure_length,
            escape_xml(&item.enclosure_type)
        );
        let _ = writeln!(
            x,
            "   <itunes:duration>{}</itunes:duration>",
            item.duration_seconds
        );
        let _ = writeln!(
            x,
            "   <itunes:author>{}</itunes:author>",
            escape_xml(&item.speaker)
        );
        let _ = writeln!(
            x,
            "   <podcast:chapters url=\"{}\" type=\"application/json+chapters\"/>",
            url(&item.chapters_file)
        );
        let _ = writeln!(
            x,
            "   <podcast:transcript url=\"{}\" type=\"text/vtt\" rel=\"captions\"/>",
            url(&item.vtt_file)
        );
        let _ = writeln!(
            x,
            "   <podcast:transcript url=\"{}\" type=\"application/x-subrip\"/>",
            url(&item.srt_file)
        );
        x.push_str("  </item>\n");
    }
    x.push_str(" </channel>\n</rss>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    const PODCAST: &str = "https://podcastindex.org/namespace/1.0";

    fn channel(base_url: Option<&str>) -> Channel {
        Channel {
            title: "Tom & Jerry's <\"show\">".into(),
            description: "Speeches, read aloud.".into(),
            language: "zh".into(),
            author: Some("柳州市广播电台".into()),
            base_url: base_url.map(Into::into),
            image: Some("cover.jpg".into()),
        }
    }

    fn item(slug: &str) -> Item {
        Item {
            title: "柳州 & <合力> \"谱写\" 'x'".into(),
            speaker: "柳州市".into(),
            guid: format!("briefcast-{slug}"),
            pub_date_unix: 1_714_571_100,
            enclosure_file: format!("{slug}.mp3"),
            enclosure_length: 963_114,
            enclosure_type: "audio/mpeg".into(),
            duration_seconds: 610,
            chapters_file: format!("{slug}.chapters.json"),
            vtt_file: format!("{slug}.vtt"),
            srt_file: format!("{slug}.srt"),
            description: "a < b && c > d".into(),
        }
    }

    fn children<'a, 'i>(
        node: roxmltree::Node<'a, 'i>,
        ns: Option<&str>,
        name: &str,
    ) -> Vec<roxmltree::Node<'a, 'i>> {
        node.children()
            .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == ns)
            .collect()
    }

    #[test]
    fn feed_parses_with_namespaces_and_escaping() {
        let xml = rss(
            &channel(Some("https://example.com/pod/")),
            &[item("liuzhou"), item("nanning")],
        );
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "rss");
        assert_eq!(root.attribute("version"), Some("2.0"));
        assert_eq!(root.lookup_namespace_uri(Some("itunes")), Some(ITUNES));
        assert_eq!(root.lookup_namespace_uri(Some("podcast")), Some(PODCAST));
        let ch = children(root, None, "channel")[0];
        let text = |n: roxmltree::Node, ns, name| children(n, ns, name)[0].text().map(String::from);
        assert_eq!(text(ch, None, "title").unwrap(), "Tom & Jerry's <\"show\">");
        assert_eq!(text(ch, None, "link").unwrap(), "https://example.com/pod/");
        assert_eq!(text(ch, Some(ITUNES), "explicit").unwrap(), "false");
        let image = children(ch, Some(ITUNES), "image")[0];
        assert_eq!(
            image.attribute("href"),
            Some("https://example.com/pod/cover.jpg")
        );
        let items = children(ch, None, "item");
        assert_eq!(items.len(), 2);
        let it = items[0];
        assert_eq!(
            text(it, None, "title").unwrap(),
            "柳州 & <合力> \"谱写\" 'x'"
        );
        assert_eq!(text(it, None, "description").unwrap(), "a < b && c > d");
        let guid = children(it, None, "guid")[0];
        assert_eq!(guid.attribute("isPermaLink"), Some("false"));
        assert_eq!(guid.text(), Some("briefcast-liuzhou"));
        assert_eq!(
            text(it, None, "pubDate").unwrap(),
            "Wed, 01 May 2024 13:45:00 GMT"
        );
        let enclosure = children(it, None, "enclosure")[0];
        assert_eq!(
            enclosure.attribute("url"),
            Some("https://example.com/pod/liuzhou.mp3")
        );
        assert_eq!(enclosure.attribute("length"), Some("963114"));
        assert_eq!(enclosure.attribute("type"), Some("audio/mpeg"));
        assert_eq!(text(it, Some(ITUNES), "duration").unwrap(), "610");
        assert_eq!(text(it, Some(ITUNES), "author").unwrap(), "柳州市");
        let chapters = children(it, Some(PODCAST), "chapters")[0];
        assert_eq!(
            chapters.attribute("type"),
            Some("application/json+chapters")
        );
        let transcripts = children(it, Some(PODCAST), "transcript");
        let kinds: Vec<_> = transcripts
            .iter()
            .map(|t| (t.attribute("type"), t.attribute("rel")))
            .collect();
        assert_eq!(
            kinds,
            [
                (Some("text/vtt"), Some("captions")),
                (Some("application/x-subrip"), None)
            ]
        );
        assert_eq!(
            transcripts[1].attribute("url"),
            Some("https://example.com/pod/liuzhou.srt")
        );
        let feed_guid = text(ch, Some(PODCAST), "guid").unwrap();
        assert_eq!(feed_guid, podcast_guid("example.com/pod/feed.xml"));
    }

    #[test]
    fn same_input_same_bytes() {
        let a = rss(&channel(Some("https://example.com")), &[item("a")]);
        assert_eq!(a, rss(&channel(Some("https://example.com")), &[item("a")]));
        assert!(a.contains("<podcast:guid>"));
    }

    #[test]
    fn relative_urls_without_base() {
        let xml = rss(&channel(None), &[item("liu zhou")]);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        let enclosure = doc
            .descendants()
            .find(|n| n.has_tag_name("enclosure"))
            .unwrap();
        assert_eq!(enclosure.attribute("url"), Some("liu%20zhou.mp3"));
        assert!(!xml.contains("<link>") && !xml.contains("podcast:guid>"));
    }

    #[test]
    fn urls_join_with_one_slash() {
        assert_eq!(
            join_url(Some("https://a.org/x//"), "/e.mp3"),
            "https://a.org/x/e.mp3"
        );
        assert_eq!(
            join_url(Some("https://a.org"), "e.mp3"),
            "https://a.org/e.mp3"
        );
        assert_eq!(
            join_url(Some("https://a.org"), "https://cdn.org/c.jpg"),
            "https://cdn.org/c.jpg"
        );
    }

    #[test]
    fn podcast_guid_vectors() {
        assert_eq!(
            podcast_guid("https://podnews.net/rss"),
            "9b024349-ccf0-5f69-a609-6b82873eab3c"
        );
        assert_eq!(
            podcast_guid("podnews.net/rss/"),
            "9b024349-ccf0-5f69-a609-6b82873eab3c"
        );
        assert_eq!(
            podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810"
        );
    }

    #[test]
    fn xml_escaping_covers_quotes_and_controls() {
        assert_eq!(escape_xml("&<>\"'\u{1}é"), "&amp;&lt;&gt;&quot;&apos;é");
    }
}
