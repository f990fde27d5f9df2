//! Whole-frame YUYV and MJPEG conversions through the public API, on synthetic frames whose
//! colours are known: the test pattern encoded the way a webcam would send it.

use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;
use moodbox::hardware::camera::{
    decode_mjpeg, pattern_frame, with_huffman_tables, yuyv_to_rgb, BARS,
};

/// BT.601 limited-range RGB to YCbCr, the inverse of what a UVC camera's ISP does.
fn rgb_to_ycbcr([r, g, b]: [u8; 3]) -> (u8, u8, u8) {
    let (r, g, b) = (f64::from(r), f64::from(g), f64::from(b));
    let y = 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
    let cb = 128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0;
    let cr = 128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0;
    (y.round() as u8, cb.round() as u8, cr.round() as u8)
}

/// Packs an RGB image as YUYV with `padding` spare bytes per row; each pixel pair shares
/// the chroma of its left pixel (the pattern's bars are 2-pixel aligned).
fn to_yuyv(img: &RgbImage, padding: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for y in 0..img.height() {
        for x in (0..img.width()).step_by(2) {
            let (y0, u, v) = rgb_to_ycbcr(img.get_pixel(x, y).0);
            let (y1, _, _) = rgb_to_ycbcr(img.get_pixel(x + 1, y).0);
            out.extend_from_slice(&[y0, u, y1, v]);
        }
        out.extend(std::iter::repeat_n(0x80, padding));
    }
    out
}

fn max_channel_error(a: &RgbImage, b: &RgbImage) -> u8 {
    a.pixels()
        .zip(b.pixels())
        .flat_map(|(p, q)| p.0.into_iter().zip(q.0).map(|(x, y)| x.abs_diff(y)))
        .max()
        .unwrap()
}

/// Each of the test pattern's bars (40 pixels wide) keeps its colour within `tolerance`.
fn assert_bars(img: &RgbImage, tolerance: u8) {
    for (i, colour) in BARS.iter().enumerate() {
        let got = img.get_pixel(i as u32 * 40 + 20, 20).0;
        let err = got
            .iter()
            .zip(colour)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        assert!(err <= tolerance, "bar {i}: got {got:?}, want {colour:?}");
    }
}

#[test]
fn a_yuyv_test_pattern_converts_back_to_its_bars() {
    let (w, h) = (320, 240);
    let original = pattern_frame(w, h, 0);
    let padding = 64;
    let yuyv = to_yuyv(&original, padding);
    let rgb = yuyv_to_rgb(&yuyv, w, h, w * 2 + padding as u32).unwrap();
    assert_eq!(rgb.dimensions(), (w, h));
    assert_bars(&rgb, 2);
    assert!(max_channel_error(&original, &rgb) <= 2);
}

#[test]
fn an_mjpeg_frame_without_huffman_tables_decodes_like_the_full_jpeg() {
    let original = pattern_frame(320, 240, 3);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&original)
        .unwrap();
    let bare = strip_huffman_tables(&jpeg);
    assert!(bare.len() < jpeg.len());
    assert!(with_huffman_tables(&bare).unwrap().len() > bare.len());
    let from_full = decode_mjpeg(&jpeg, 4096, 64 << 20).unwrap();
    let from_bare = decode_mjpeg(&bare, 4096, 64 << 20).unwrap();
    assert_eq!(from_full, from_bare);
    // Lossy, but every bar keeps its colour.
    assert_bars(&from_bare, 16);
}

/// Drops the DHT segments between SOI and SOS, as many UVC webcams send MJPEG.
fn strip_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut pos = 2;
    while jpeg[pos + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        if jpeg[pos + 1] != 0xC4 {
            out.extend_from_slice(&jpeg[pos..pos + 2 + len]);
        }
        pos += 2 + len;
    }
    out.extend_from_slice(&jpeg[pos..]);
    out
}
