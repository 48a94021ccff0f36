//! Media named by one piece of text (a command-line argument, a form field): a URL or a local
//! file, an image or a video, read the same way by every shell.

use std::path::Path;

use super::post::{MediaItem, MediaKind, MediaSource, Post, PostKind};

/// File extensions read as videos by [`MediaKind::guess`] (compared without case).
pub const VIDEO_EXTENSIONS: &[&str] = &["mp4", "mov", "m4v"];

impl MediaSource {
    /// Reads `text` as a public `http://` or `https://` URL (the scheme in any case), else as a
    /// local file path. Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https") => MediaSource::Url(text.to_owned()),
            _ => MediaSource::File(text.into()),
        }
    }
}

impl MediaKind {
    /// The kind `source`'s name suggests: a video when its path (a URL's path, without query or
    /// fragment) ends in one of [`VIDEO_EXTENSIONS`], an image otherwise.
    pub fn guess(source: &MediaSource) -> Self {
        let extension = match source {
            MediaSource::Url(url) => match url::Url::parse(url) {
                Ok(parsed) => extension_of(Path::new(parsed.path())),
                Err(_) => extension_of(Path::new(url)),
            },
            MediaSource::File(path) => extension_of(path),
        };
        match extension {
            Some(ext)
                if VIDEO_EXTENSIONS
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(&ext)) =>
            {
                MediaKind::Video
            }
            _ => MediaKind::Image,
        }
    }
}

fn extension_of(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().into_owned())
}

impl MediaItem {
    /// The media `text` names: its source by [`MediaSource::parse`], its kind by
    /// [`MediaKind::guess`]. Nothing is checked here; [`Post::validate`] refuses what Meta
    /// would (an image from a local file, an unreadable file, …).
    pub fn guess(text: &str) -> Self {
        let source = MediaSource::parse(text);
        MediaItem::new(MediaKind::guess(&source), source)
    }
}

impl Post {
    /// A post of `kind` with one item per text, each read by [`MediaItem::guess`]. The shape
    /// (one media for an image, reel or story, 2 to 10 for a carousel) is checked by
    /// [`Post::validate`], as for any post.
    pub fn from_media_args<S: AsRef<str>>(kind: PostKind, media: &[S]) -> Self {
        Post::new(kind, media.iter().map(|m| MediaItem::guess(m.as_ref())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_files_are_told_apart() {
        assert_eq!(
            MediaSource::parse(" HTTPS://cdn.example.com/a.jpg "),
            MediaSource::Url("HTTPS://cdn.example.com/a.jpg".into())
        );
        assert_eq!(
            MediaSource::parse("clips/a.mp4"),
            MediaSource::File("clips/a.mp4".into())
        );
        assert_eq!(
            MediaSource::parse("ftp://example.com/a.mp4"),
            MediaSource::File("ftp://example.com/a.mp4".into())
        );
    }

    #[test]
    fn the_kind_follows_the_extension_of_the_path() {
        let kind = |t: &str| MediaKind::guess(&MediaSource::parse(t));
        assert_eq!(
            kind("https://cdn.example.com/clip.MP4?sig=1"),
            MediaKind::Video
        );
        assert_eq!(
            kind("https://cdn.example.com/a.jpg?f=x.mp4"),
            MediaKind::Image
        );
        assert_eq!(kind("/tmp/holiday.mov"), MediaKind::Video);
        assert_eq!(kind("/tmp/holiday.jpeg"), MediaKind::Image);
        assert_eq!(kind("noextension"), MediaKind::Image);
    }

    #[test]
    fn a_local_image_is_refused_by_validation() {
        let post = Post::from_media_args(PostKind::Image, &["photo.jpg"]);
        assert_eq!(post.items[0].kind, MediaKind::Image);
        let err = post.validate().unwrap_err().to_string();
        assert!(err.contains("public http(s) URL"), "{err}");
    }

    #[test]
    fn a_carousel_takes_each_argument_as_an_item() {
        let post = Post::from_media_args(
            PostKind::Carousel,
            &["https://x.example/a.jpg", "https://x.example/b.mp4"],
        );
        let kinds: Vec<_> = post.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [MediaKind::Image, MediaKind::Video]);
        post.validate().unwrap();
        assert!(
            Post::from_media_args(PostKind::Carousel, &["https://x.example/a.jpg"])
                .validate()
                .is_err()
        );
    }
}
