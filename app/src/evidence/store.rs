//! The evidence store: a local directory outside the web root (`DATA_DIR/evidence` by default). A file
//! is hashed while it streams in, its type is found from its content, and it is kept under its SHA-256
//! (`ab/cd/abcd…`), so the same photo uploaded twice is stored once. Images get a JPEG thumbnail with
//! their EXIF orientation applied.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ACCEPTED;
use crate::error::AppError;

/// How many leading bytes are kept for finding the type (office files are zip archives whose
/// first entries tell Word from Excel).
const SNIFF_BYTES: usize = 64 * 1024;
/// The longest side of a thumbnail, in pixels.
const THUMB_SIDE: u32 = 480;

#[derive(Clone, Debug)]
pub struct EvidenceStore {
    root: PathBuf,
    max_bytes: u64,
}

/// A file as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size_bytes: u64,
    pub mime: String,
    pub has_thumbnail: bool,
}

impl EvidenceStore {
    pub fn new(root: PathBuf, max_bytes: u64) -> EvidenceStore {
        EvidenceStore { root, max_bytes }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where the bytes of a file with this hash are.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256)
    }

    /// Where its thumbnail is.
    pub fn thumbnail_of(&self, sha256: &str) -> PathBuf {
        self.path_of(sha256).with_extension("thumb.jpg")
    }

    /// Start receiving a file.
    pub fn begin(&self) -> Result<Upload, AppError> {
        let dir = self.root.join("incoming");
        std::fs::create_dir_all(&dir)
            .map_err(|e| AppError::internal(format!("evidence dir {}: {e}", dir.display())))?;
        let path = dir.join(format!("{:016x}.part", rand::random::<u64>()));
        let file = std::fs::File::create(&path)
            .map_err(|e| AppError::internal(format!("evidence temp file {}: {e}", path.display())))?;
        Ok(Upload { store: self.clone(), file: Some(file), path, hasher: Sha256::new(), size: 0, head: Vec::new() })
    }
}

/// A file being received: written to a temporary file and hashed chunk by chunk. Dropped before
/// `finish`, the temporary file is removed.
pub struct Upload {
    store: EvidenceStore,
    file: Option<std::fs::File>,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl Upload {
    /// No byte received yet.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.size += chunk.len() as u64;
        if self.size > self.store.max_bytes {
            return Err(AppError::validation(
                "file",
                format!("文件超过 {} MB 的上限，请压缩或拆分后再上传。", self.store.max_bytes / (1024 * 1024)),
            ));
        }
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        let file = self.file.as_mut().ok_or_else(|| AppError::internal("evidence upload already finished"))?;
        file.write_all(chunk).map_err(|e| AppError::internal(format!("evidence write {}: {e}", self.path.display())))
    }

    /// Check the type, move the file to its place by hash, and make a thumbnail for an image.
    pub async fn finish(mut self, file_name: &str) -> Result<Stored, AppError> {
        if self.size == 0 {
            return Err(AppError::validation("file", "请选择要上传的照片或文件。"));
        }
        let mime = sniff(&self.head, file_name).ok_or_else(|| {
            tracing::info!(head = ?&self.head[..self.head.len().min(16)], "evidence of an unaccepted type refused");
            AppError::validation(
                "file",
                "只能上传照片（JPEG、PNG、WebP、HEIC）、PDF 或 Word、Excel、PowerPoint 文件；该文件的内容不属于这些类型。",
            )
        })?;
        if let Some(mut file) = self.file.take() {
            file.flush().map_err(|e| AppError::internal(format!("evidence flush: {e}")))?;
        }
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let target = self.store.path_of(&sha256);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::internal(format!("evidence dir {}: {e}", dir.display())))?;
        }
        if target.exists() {
            std::fs::remove_file(&self.path).ok();
        } else {
            std::fs::rename(&self.path, &target)
                .map_err(|e| AppError::internal(format!("evidence move to {}: {e}", target.display())))?;
        }
        let has_thumbnail = mime.starts_with("image/") && mime != "image/heif" && {
            let (source, thumb) = (target.clone(), self.store.thumbnail_of(&sha256));
            match tokio::task::spawn_blocking(move || make_thumbnail(&source, &thumb)).await {
                Ok(Ok(())) => true,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, sha256, "no thumbnail for an image");
                    false
                }
                Err(e) => return Err(AppError::internal(format!("thumbnail task: {e}"))),
            }
        };
        Ok(Stored { sha256, size_bytes: self.size, mime: mime.to_string(), has_thumbnail })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.path.exists() {
            std::fs::remove_file(&self.path).ok();
        }
    }
}

/// The accepted type of a file from its first bytes, or None (HTML named .pdf, scripts, archives...).
/// Two containers are shared by several types, and only there the name decides between them: a zip
/// (office files written by some programs) and an OLE compound file (old Word and Excel).
pub fn sniff(head: &[u8], file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let found = match (infer::get(head)?.mime_type(), extension.as_str()) {
        ("application/zip", "docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("application/zip", "xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ("application/zip", "pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("application/x-ole-storage", "xls") => "application/vnd.ms-excel",
        ("application/x-ole-storage", "doc") => "application/msword",
        (other, _) => other,
    };
    ACCEPTED.iter().map(|(m, _)| *m).find(|m| *m == found)
}

/// Decode an image with limits, turn it upright by its EXIF orientation, and save a JPEG thumbnail.
fn make_thumbnail(source: &Path, thumb: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    let mut reader = ImageReader::open(source).context("open image")?.with_guessed_format().context("image format")?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().context("image decoder")?;
    let orientation = decoder.orientation().context("exif orientation")?;
    let mut image = DynamicImage::from_decoder(decoder).context("decode image")?;
    image.apply_orientation(orientation);
    let small = image.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    let mut out = std::fs::File::create(thumb).with_context(|| format!("create {}", thumb.display()))?;
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .context("encode thumbnail")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.pdf"), Some("application/pdf"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "x.bin"), Some("image/jpeg"));
        // HTML disguised as a PDF by its name.
        assert_eq!(sniff(b"<!DOCTYPE html><html><script>alert(1)</script>", "report.pdf"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /\n", "photo.jpg"), None);
        assert_eq!(sniff(b"", "a.pdf"), None);
        // A plain zip is an office file only when named as one.
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00";
        assert_eq!(sniff(zip, "archive.zip"), None);
    }
}
