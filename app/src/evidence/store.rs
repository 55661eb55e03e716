//! The evidence store: a local directory outside the web root (`DATA_DIR/evidence` by default) or an
//! S3-compatible object store (for several server instances, or storage kept apart from the servers).
//! A file is received into a local temporary file while it is hashed, its type is found from its
//! content, and it is kept under its SHA-256 (`ab/cd/abcd…`), so the same photo uploaded twice is
//! stored once. Images get a JPEG thumbnail with their EXIF orientation applied.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use super::ACCEPTED;
use crate::error::AppError;

/// How many leading bytes are kept for finding the type (office files are zip archives whose
/// first entries tell Word from Excel).
const SNIFF_BYTES: usize = 64 * 1024;
/// The longest side of a thumbnail, in pixels.
const THUMB_SIDE: u32 = 480;

/// Where the files go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A directory on this server (the default).
    Local(PathBuf),
    /// An S3-compatible object store (Amazon S3, MinIO, Aliyun OSS, Tencent COS ...).
    S3(S3Config),
}

/// An S3-compatible bucket and the credentials for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    /// `s3://bucket` or `s3://bucket/prefix`.
    pub url: String,
    /// The service's address for a store other than Amazon's (`http://minio.internal:9000`).
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Clone, Debug)]
pub struct EvidenceStore {
    objects: Arc<dyn ObjectStore>,
    /// Where uploads are received before they are checked and stored (always local).
    incoming: PathBuf,
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
    /// The store for a backend; uploads are received under `incoming` (a local directory).
    pub fn open(backend: &Backend, incoming: PathBuf, max_bytes: u64) -> anyhow::Result<EvidenceStore> {
        use anyhow::Context;
        let objects: Arc<dyn ObjectStore> = match backend {
            Backend::Local(root) => {
                std::fs::create_dir_all(root).with_context(|| format!("evidence dir {}", root.display()))?;
                Arc::new(
                    object_store::local::LocalFileSystem::new_with_prefix(root)
                        .with_context(|| format!("evidence dir {}", root.display()))?,
                )
            }
            Backend::S3(s3) => {
                // The HTTP client's TLS uses the process's ring provider (installed once; a second call is a no-op).
                let _ = rustls::crypto::ring::default_provider().install_default();
                let (bucket, prefix) = s3
                    .url
                    .strip_prefix("s3://")
                    .map(|rest| rest.split_once('/').unwrap_or((rest, "")))
                    .filter(|(bucket, _)| !bucket.is_empty())
                    .with_context(|| format!("EVIDENCE_S3_URL must look like s3://bucket/prefix, not {}", s3.url))?;
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(&s3.region)
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(&s3.secret_access_key);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_virtual_hosted_style_request(false)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                let store = builder.build().context("S3 evidence store")?;
                let prefix = prefix.trim_matches('/');
                if prefix.is_empty() {
                    Arc::new(store)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
                }
            }
        };
        Ok(EvidenceStore { objects, incoming, max_bytes })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The key of a file with this hash (`ab/cd/abcd…`).
    fn key_of(sha256: &str) -> Key {
        Key::from(format!("{}/{sha256}", Self::dir_of(sha256)))
    }

    /// The key of its thumbnail.
    fn thumbnail_key_of(sha256: &str) -> Key {
        Key::from(format!("{}/{sha256}.thumb.jpg", Self::dir_of(sha256)))
    }

    /// The directory of a hash's files: its first two pairs of hex digits (`ab/cd`).
    fn dir_of(sha256: &str) -> String {
        let (first, second) = (sha256.get(..2).unwrap_or_default(), sha256.get(2..4).unwrap_or_default());
        format!("{first}/{second}")
    }

    /// The bytes of a stored file.
    pub async fn read(&self, sha256: &str) -> Result<Vec<u8>, AppError> {
        self.get(&Self::key_of(sha256)).await
    }

    /// The bytes of a stored thumbnail.
    pub async fn read_thumbnail(&self, sha256: &str) -> Result<Vec<u8>, AppError> {
        self.get(&Self::thumbnail_key_of(sha256)).await
    }

    async fn get(&self, key: &Key) -> Result<Vec<u8>, AppError> {
        let fetched = async { self.objects.get(key).await?.bytes().await };
        fetched.await.map(|b| b.to_vec()).map_err(|e| AppError::internal(format!("evidence {key} unreadable: {e}")))
    }

    async fn put(&self, key: &Key, bytes: Vec<u8>) -> Result<(), AppError> {
        self.objects
            .put(key, bytes.into())
            .await
            .map(|_| ())
            .map_err(|e| AppError::internal(format!("evidence {key} not stored: {e}")))
    }

    /// Start receiving a file.
    pub fn begin(&self) -> Result<Upload, AppError> {
        let dir = &self.incoming;
        std::fs::create_dir_all(dir).map_err(|e| AppError::internal(format!("evidence dir {}: {e}", dir.display())))?;
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
            self.head.extend(chunk.iter().take(take));
        }
        self.hasher.update(chunk);
        let file = self.file.as_mut().ok_or_else(|| AppError::internal("evidence upload already finished"))?;
        file.write_all(chunk).map_err(|e| AppError::internal(format!("evidence write {}: {e}", self.path.display())))
    }

    /// Check the type, store the file by its hash, and make a thumbnail for an image.
    pub async fn finish(mut self, file_name: &str) -> Result<Stored, AppError> {
        if self.size == 0 {
            return Err(AppError::validation("file", "请选择要上传的照片或文件。"));
        }
        let mime = sniff(&self.head, file_name).ok_or_else(|| {
            tracing::info!(head = ?self.head.get(..16).unwrap_or(&self.head), "evidence of an unaccepted type refused");
            AppError::validation(
                "file",
                "只能上传照片（JPEG、PNG、WebP、HEIC）、PDF 或 Word、Excel、PowerPoint 文件；该文件的内容不属于这些类型。",
            )
        })?;
        if let Some(mut file) = self.file.take() {
            file.flush().map_err(|e| AppError::internal(format!("evidence flush: {e}")))?;
        }
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let store = self.store.clone();
        let key = EvidenceStore::key_of(&sha256);
        let already_stored = match store.objects.head(&key).await {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => return Err(AppError::internal(format!("evidence {key} lookup: {e}"))),
        };
        if !already_stored {
            let bytes = tokio::fs::read(&self.path)
                .await
                .map_err(|e| AppError::internal(format!("evidence temp file {}: {e}", self.path.display())))?;
            store.put(&key, bytes).await?;
        }
        let has_thumbnail = mime.starts_with("image/") && mime != "image/heif" && {
            let source = self.path.clone();
            match tokio::task::spawn_blocking(move || make_thumbnail(&source)).await {
                Ok(Ok(jpeg)) => {
                    store.put(&EvidenceStore::thumbnail_key_of(&sha256), jpeg).await?;
                    true
                }
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

/// Decode an image with limits, turn it upright by its EXIF orientation, and make a JPEG thumbnail.
fn make_thumbnail(source: &Path) -> anyhow::Result<Vec<u8>> {
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
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .context("encode thumbnail")?;
    Ok(out)
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
