//! Reading the upstream's answer into memory, at most `cap` bytes of what the browser would
//! get. The upstream is asked for no compression; one that compresses anyway (gzip, deflate or
//! brotli) is decoded here as the bytes arrive, and the cap counts the decoded bytes, so a small
//! compressed answer can never expand past it, here or in the browser.

use std::io::{self, Write};

use axum::http::{header, HeaderMap};
use bytes::Bytes;
use http_body::Body;
use http_body_util::BodyExt;

/// Why an answer could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnswerError {
    /// More than the cap (after decoding).
    TooLarge,
    /// The connection broke, or the compressed data is corrupt or cut short.
    Broken,
    /// A content coding this server does not decode (or more than one).
    UnknownCoding,
}

/// The whole answer, decoded, or why not.
pub(crate) async fn read<B>(
    headers: &HeaderMap,
    mut body: B,
    cap: usize,
) -> Result<Bytes, AnswerError>
where
    B: Body<Data = Bytes> + Unpin,
{
    let mut decoder = Decoder::for_headers(headers, cap)?;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| AnswerError::Broken)?;
        if let Ok(data) = frame.into_data() {
            decoder.write(&data)?;
        }
    }
    decoder.finish()
}

/// A `Vec` that refuses to grow past its cap (with an `OutOfMemory` error the decoders pass on).
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + data.len() > self.cap {
            return Err(io::Error::from(io::ErrorKind::OutOfMemory));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Decoder {
    Identity(Capped),
    Gzip(flate2::write::GzDecoder<Capped>),
    Deflate(flate2::write::ZlibDecoder<Capped>),
    Brotli(Box<brotli::DecompressorWriter<Capped>>),
}

impl Decoder {
    fn for_headers(headers: &HeaderMap, cap: usize) -> Result<Decoder, AnswerError> {
        let sink = Capped {
            bytes: Vec::new(),
            cap,
        };
        let mut codings = headers
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .flat_map(|value| value.to_str().unwrap_or("?").split(','))
            .map(|coding| coding.trim().to_ascii_lowercase())
            .filter(|coding| !coding.is_empty() && coding != "identity");
        let decoder = match codings.next().as_deref() {
            None => Decoder::Identity(sink),
            Some("gzip" | "x-gzip") => Decoder::Gzip(flate2::write::GzDecoder::new(sink)),
            Some("deflate") => Decoder::Deflate(flate2::write::ZlibDecoder::new(sink)),
            Some("br") => Decoder::Brotli(Box::new(brotli::DecompressorWriter::new(sink, 4096))),
            Some(_) => return Err(AnswerError::UnknownCoding),
        };
        match codings.next() {
            None => Ok(decoder),
            Some(_) => Err(AnswerError::UnknownCoding),
        }
    }

    fn write(&mut self, data: &[u8]) -> Result<(), AnswerError> {
        let written = match self {
            Decoder::Identity(sink) => sink.write_all(data),
            Decoder::Gzip(decoder) => decoder.write_all(data),
            Decoder::Deflate(decoder) => decoder.write_all(data),
            Decoder::Brotli(decoder) => decoder.write_all(data),
        };
        written.map_err(classify)
    }

    fn finish(self) -> Result<Bytes, AnswerError> {
        let sink = match self {
            Decoder::Identity(sink) => sink,
            Decoder::Gzip(decoder) => decoder.finish().map_err(classify)?,
            Decoder::Deflate(decoder) => decoder.finish().map_err(classify)?,
            Decoder::Brotli(decoder) => decoder.into_inner().map_err(|_| AnswerError::Broken)?,
        };
        Ok(Bytes::from(sink.bytes))
    }
}

fn classify(err: io::Error) -> AnswerError {
    if err.kind() == io::ErrorKind::OutOfMemory {
        AnswerError::TooLarge
    } else {
        AnswerError::Broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use http_body_util::Full;

    fn headers(coding: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("gzip");
        encoder.finish().expect("gzip")
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("zlib");
        encoder.finish().expect("zlib")
    }

    async fn read_all(
        coding: Option<&'static str>,
        body: Vec<u8>,
        cap: usize,
    ) -> Result<Bytes, AnswerError> {
        read(&headers(coding), Full::new(Bytes::from(body)), cap).await
    }

    #[tokio::test]
    async fn decodes_under_the_cap_and_stops_a_bomb() {
        let text = b"{\"instances\":[]}".repeat(100);
        let bomb = vec![b'0'; 10 * 1024 * 1024];
        for (coding, encode) in [
            ("gzip", gzip as fn(&[u8]) -> Vec<u8>),
            ("deflate", zlib),
            ("br", crate::static_files::brotli),
        ] {
            let decoded = read_all(Some(coding), encode(&text), 4096).await;
            assert_eq!(decoded.as_deref(), Ok(&text[..]), "{coding}");
            let compressed = encode(&bomb);
            assert!(compressed.len() < 64 * 1024, "{coding} bomb is small");
            let refused = read_all(Some(coding), compressed, 1024 * 1024).await;
            assert_eq!(refused, Err(AnswerError::TooLarge), "{coding}");
            let mut cut = encode(&text);
            cut.truncate(cut.len() / 2);
            assert_eq!(
                read_all(Some(coding), cut, 4096).await,
                Err(AnswerError::Broken),
                "{coding}"
            );
        }
        assert_eq!(
            read_all(None, text.clone(), 4096).await.as_deref(),
            Ok(&text[..])
        );
        assert_eq!(
            read_all(Some("identity"), text.clone(), 4096)
                .await
                .as_deref(),
            Ok(&text[..])
        );
        assert_eq!(
            read_all(None, text.clone(), 100).await,
            Err(AnswerError::TooLarge)
        );
        assert_eq!(
            read_all(Some("zstd"), text.clone(), 4096).await,
            Err(AnswerError::UnknownCoding)
        );
        assert_eq!(
            read_all(Some("gzip, br"), text, 4096).await,
            Err(AnswerError::UnknownCoding)
        );
    }
}
