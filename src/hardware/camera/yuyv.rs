//! YUYV 4:2:2 to RGB, with the BT.601 limited-range matrix UVC webcams use.

use image::RgbImage;

/// Why a raw buffer could not become an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConvertError(pub String);

/// Converts one YUYV frame (`Y0 U Y1 V` per pixel pair) to RGB.
///
/// `stride` is the driver's bytes per line (`0` means tightly packed, `width * 2`).
/// BT.601 limited range: Y in 16..=235 and U/V in 16..=240 map to full-range RGB.
pub fn yuyv_to_rgb(
    data: &[u8],
    width: u32,
    height: u32,
    stride: u32,
) -> Result<RgbImage, ConvertError> {
    if width == 0 || height == 0 || width % 2 != 0 {
        return Err(ConvertError(format!(
            "YUYV needs an even, non-zero width, got {width}x{height}"
        )));
    }
    let row_bytes = width as usize * 2;
    let stride = if stride == 0 {
        row_bytes
    } else {
        stride as usize
    };
    if stride < row_bytes {
        return Err(ConvertError(format!(
            "YUYV stride {stride} is shorter than a row ({row_bytes})"
        )));
    }
    let needed = stride * (height as usize - 1) + row_bytes;
    if data.len() < needed {
        return Err(ConvertError(format!(
            "short YUYV frame: {} bytes, {width}x{height} needs {needed}",
            data.len()
        )));
    }
    let mut out = Vec::with_capacity(width as usize * height as usize * 3);
    for row in data.chunks(stride).take(height as usize) {
        for quad in row[..row_bytes].chunks_exact(4) {
            let (y0, u, y1, v) = (quad[0], quad[1], quad[2], quad[3]);
            out.extend_from_slice(&ycbcr_to_rgb(y0, u, v));
            out.extend_from_slice(&ycbcr_to_rgb(y1, u, v));
        }
    }
    Ok(RgbImage::from_raw(width, height, out).expect("three bytes per pixel"))
}

/// One BT.601 limited-range YCbCr sample to RGB, in 8.8 fixed point.
pub fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(cb) - 128;
    let e = i32::from(cr) - 128;
    let clamp = |x: i32| ((x + 128) >> 8).clamp(0, 255) as u8;
    [
        clamp(c + 409 * e),
        clamp(c - 100 * d - 208 * e),
        clamp(c + 516 * d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BT.601 limited-range codes of white, black and the 100 % primaries.
    const WHITE: (u8, u8, u8) = (235, 128, 128);
    const BLACK: (u8, u8, u8) = (16, 128, 128);
    const RED: (u8, u8, u8) = (81, 90, 240);
    const GREEN: (u8, u8, u8) = (145, 54, 34);
    const BLUE: (u8, u8, u8) = (41, 240, 110);

    fn pair(c: (u8, u8, u8)) -> [u8; 4] {
        [c.0, c.1, c.0, c.2]
    }

    fn close(got: [u8; 3], want: [u8; 3]) -> bool {
        got.iter()
            .zip(want)
            .all(|(&g, w)| (i32::from(g) - i32::from(w)).abs() <= 3)
    }

    #[test]
    fn known_colours_come_out_right() {
        let cases = [
            (WHITE, [255, 255, 255]),
            (BLACK, [0, 0, 0]),
            (RED, [255, 0, 0]),
            (GREEN, [0, 255, 0]),
            (BLUE, [0, 0, 255]),
        ];
        for (yuv, rgb) in cases {
            let img = yuyv_to_rgb(&pair(yuv), 2, 1, 0).unwrap();
            for p in img.pixels() {
                assert!(close(p.0, rgb), "{yuv:?} gave {:?}, want {rgb:?}", p.0);
            }
        }
    }

    #[test]
    fn pixel_pairs_share_chroma_but_keep_their_own_luma() {
        // Y0 = black level, Y1 = white level, neutral chroma.
        let img = yuyv_to_rgb(&[16, 128, 235, 128], 2, 1, 0).unwrap();
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255]);
    }

    #[test]
    fn rows_follow_the_stride_and_skip_padding() {
        // 4x2 frame, stride 12 (4 padding bytes per row): red row, then blue row.
        let mut data = Vec::new();
        for colour in [RED, BLUE] {
            data.extend_from_slice(&pair(colour));
            data.extend_from_slice(&pair(colour));
            data.extend_from_slice(&[0xAA; 4]);
        }
        let img = yuyv_to_rgb(&data, 4, 2, 12).unwrap();
        assert!((0..4).all(|x| close(img.get_pixel(x, 0).0, [255, 0, 0])));
        assert!((0..4).all(|x| close(img.get_pixel(x, 1).0, [0, 0, 255])));
    }

    #[test]
    fn short_or_odd_buffers_are_errors_not_panics() {
        assert!(yuyv_to_rgb(&[0; 7], 2, 2, 0)
            .unwrap_err()
            .0
            .contains("short"));
        assert!(yuyv_to_rgb(&[0; 12], 3, 1, 0).is_err());
        assert!(yuyv_to_rgb(&[0; 16], 4, 2, 4)
            .unwrap_err()
            .0
            .contains("stride"));
        assert!(yuyv_to_rgb(&[], 0, 0, 0).is_err());
    }
}
