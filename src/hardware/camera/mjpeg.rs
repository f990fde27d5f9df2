//! Motion-JPEG frames to RGB.
//!
//! Many UVC webcams send MJPEG frames without Huffman tables (no DHT segment): the AVI/MJPEG
//! convention is that the standard tables of the JPEG spec (Annex K.3) apply. A plain JPEG
//! decoder rejects such frames, so [`with_huffman_tables`] inserts the standard DHT segment
//! before the start of scan when the frame has none.

use std::borrow::Cow;
use std::io::Cursor;

use image::codecs::jpeg::JpegDecoder;
use image::{DynamicImage, ImageDecoder, Limits, RgbImage};

use super::yuyv::ConvertError;

/// Decodes one MJPEG frame. The decoder may use at most `max_alloc` bytes and the image
/// may be at most `max_side` pixels wide and high (a corrupt header cannot ask for gigabytes).
pub fn decode_mjpeg(data: &[u8], max_side: u32, max_alloc: u64) -> Result<RgbImage, ConvertError> {
    let jpeg = with_huffman_tables(data)?;
    let mut decoder = JpegDecoder::new(Cursor::new(jpeg.as_ref()))
        .map_err(|e| ConvertError(format!("bad MJPEG frame: {e}")))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    decoder
        .set_limits(limits)
        .map_err(|e| ConvertError(format!("MJPEG frame too large: {e}")))?;
    let image = DynamicImage::from_decoder(decoder)
        .map_err(|e| ConvertError(format!("bad MJPEG frame: {e}")))?;
    Ok(image.into_rgb8())
}

const SOI: u8 = 0xD8;
const SOS: u8 = 0xDA;
const DHT: u8 = 0xC4;

/// Returns the frame unchanged when it carries Huffman tables, or a copy with the standard
/// tables inserted just before the start of scan.
pub fn with_huffman_tables(data: &[u8]) -> Result<Cow<'_, [u8]>, ConvertError> {
    if data.len() < 4 || data[0] != 0xFF || data[1] != SOI {
        return Err(ConvertError(
            "MJPEG frame does not start with a JPEG SOI marker".into(),
        ));
    }
    let mut pos = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            return Err(ConvertError(format!(
                "MJPEG frame: no marker at byte {pos}"
            )));
        };
        match marker {
            DHT => return Ok(Cow::Borrowed(data)),
            SOS => {
                let mut fixed = Vec::with_capacity(data.len() + STANDARD_DHT_LEN);
                fixed.extend_from_slice(&data[..pos]);
                append_standard_dht(&mut fixed);
                fixed.extend_from_slice(&data[pos..]);
                return Ok(Cow::Owned(fixed));
            }
            // Stand-alone markers carry no length.
            0x01 | 0xD0..=0xD7 => pos += 2,
            _ => {
                let len = data
                    .get(pos + 2..pos + 4)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
                    .ok_or_else(|| ConvertError("MJPEG frame ends inside a header".into()))?;
                if len < 2 {
                    return Err(ConvertError(format!(
                        "MJPEG frame: bad segment length {len}"
                    )));
                }
                pos += 2 + len;
            }
        }
    }
}

/// Annex K.3 tables: (class << 4 | id, code counts per length 1..=16, symbols).
const STANDARD_TABLES: [(u8, [u8; 16], &[u8]); 4] = [
    (
        0x00,
        [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
        &DC_SYMBOLS,
    ),
    (
        0x10,
        [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
        &LUMA_AC_SYMBOLS,
    ),
    (
        0x01,
        [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        &DC_SYMBOLS,
    ),
    (
        0x11,
        [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
        &CHROMA_AC_SYMBOLS,
    ),
];

/// Size of the DHT segment [`append_standard_dht`] writes (marker included).
const STANDARD_DHT_LEN: usize = 2 + 2 + 4 * 17 + 12 + 162 + 12 + 162;

fn append_standard_dht(out: &mut Vec<u8>) {
    out.extend_from_slice(&[0xFF, DHT]);
    let len = (STANDARD_DHT_LEN - 2) as u16;
    out.extend_from_slice(&len.to_be_bytes());
    for (class_id, counts, symbols) in STANDARD_TABLES {
        out.push(class_id);
        out.extend_from_slice(&counts);
        out.extend_from_slice(symbols);
    }
}

const DC_SYMBOLS: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

#[rustfmt::skip]
const LUMA_AC_SYMBOLS: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

#[rustfmt::skip]
const CHROMA_AC_SYMBOLS: [u8; 162] = [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
    0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
    0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
    0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::Rgb;

    const MAX_SIDE: u32 = 4096;
    const MAX_ALLOC: u64 = 64 << 20;

    /// A 32x16 JPEG: left half pure red, right half pure blue.
    fn two_colour_jpeg() -> Vec<u8> {
        let img = RgbImage::from_fn(32, 16, |x, _| {
            if x < 16 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&img)
            .unwrap();
        out
    }

    /// Removes every DHT segment, as UVC cameras send their frames.
    fn strip_dht(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut pos = 2;
        loop {
            let marker = jpeg[pos + 1];
            if marker == SOS {
                out.extend_from_slice(&jpeg[pos..]);
                return out;
            }
            let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            if marker != DHT {
                out.extend_from_slice(&jpeg[pos..pos + 2 + len]);
            }
            pos += 2 + len;
        }
    }

    fn near(got: Rgb<u8>, want: [u8; 3]) -> bool {
        got.0
            .iter()
            .zip(want)
            .all(|(&g, w)| (i32::from(g) - i32::from(w)).abs() <= 12)
    }

    #[test]
    fn decodes_a_complete_jpeg_to_its_colours() {
        let img = decode_mjpeg(&two_colour_jpeg(), MAX_SIDE, MAX_ALLOC).unwrap();
        assert_eq!(img.dimensions(), (32, 16));
        assert!(
            near(*img.get_pixel(4, 8), [255, 0, 0]),
            "{:?}",
            img.get_pixel(4, 8)
        );
        assert!(
            near(*img.get_pixel(28, 8), [0, 0, 255]),
            "{:?}",
            img.get_pixel(28, 8)
        );
    }

    #[test]
    fn frames_without_huffman_tables_get_the_standard_ones() {
        let full = two_colour_jpeg();
        let bare = strip_dht(&full);
        assert!(bare.len() < full.len(), "the encoder wrote DHT segments");
        assert!(matches!(with_huffman_tables(&bare).unwrap(), Cow::Owned(_)));
        assert!(matches!(
            with_huffman_tables(&full).unwrap(),
            Cow::Borrowed(_)
        ));
        // The encoder used the Annex K tables, so the repaired frame decodes to the same pixels.
        let expected = decode_mjpeg(&full, MAX_SIDE, MAX_ALLOC).unwrap();
        let repaired = decode_mjpeg(&bare, MAX_SIDE, MAX_ALLOC).unwrap();
        assert_eq!(expected, repaired);
    }

    #[test]
    fn garbage_and_truncated_frames_are_errors_not_panics() {
        assert!(decode_mjpeg(b"", MAX_SIDE, MAX_ALLOC).is_err());
        assert!(decode_mjpeg(b"not a jpeg at all", MAX_SIDE, MAX_ALLOC).is_err());
        let full = two_colour_jpeg();
        for cut in [3, 10, 40, full.len() / 2] {
            let _ = decode_mjpeg(&full[..cut], MAX_SIDE, MAX_ALLOC);
        }
        let bare = strip_dht(&full);
        for cut in [5, 30, 120] {
            let _ = decode_mjpeg(&bare[..cut], MAX_SIDE, MAX_ALLOC);
        }
    }

    #[test]
    fn oversized_frames_are_refused() {
        let err = decode_mjpeg(&two_colour_jpeg(), 16, MAX_ALLOC).unwrap_err();
        assert!(
            err.0.contains("too large") || err.0.contains("limit"),
            "{err}"
        );
    }
}
