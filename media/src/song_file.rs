//! A song file as the decoders see it: the audio, without the pictures its tags may carry.
//!
//! The decoders (symphonia, under rodio too) read a tag picture whole into memory, however
//! large it says it is, and some files carry a hundred megabytes of cover art. So every song
//! is opened through [`SongFile`], which reads only the containers' structure first:
//!
//! - an ID3v2 tag in front (MP3, AAC): skipped; moodbox reads tags with its tag reader;
//! - FLAC: PICTURE metadata blocks are left out of the stream (the block chain is rewritten);
//! - MP4/M4A, Ogg and WAV: a cover atom, comment header or metadata chunk larger than
//!   [`MAX_METADATA_BYTES`] makes the file refused, with the reason, instead of read;
//! - MP4/M4A: an atom claiming more than its parent holds, or a sample table claiming more
//!   entries than its bytes hold, makes the file refused too ([`crate::mp4`]): the MP4
//!   reader would allocate what they claim before reading it.
//!
//! The audio itself streams from the file as before.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use crate::mp4;

/// The most tag data a song may make a decoder read (pictures in FLAC and MP3 aside, which
/// are skipped).
pub const MAX_METADATA_BYTES: u64 = 16 * 1024 * 1024;

/// Why a song cannot be opened for decoding.
#[derive(Debug, thiserror::Error)]
pub enum SongFileError {
    #[error("cannot open: {0}")]
    Open(#[from] io::Error),
    #[error(
        "its tags carry {} MB of {what}; moodbox reads at most {} MB of tags (remove the picture with a tag editor)",
        bytes / 1_000_000,
        MAX_METADATA_BYTES / 1_000_000
    )]
    OversizedMetadata { what: &'static str, bytes: u64 },
    #[error("its MP4 structure is damaged: {0} (re-encode or replace the file)")]
    DamagedMp4(String),
}

/// One stretch of the view: bytes of the file, or bytes made up here (a rewritten header).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    File { offset: u64, len: u64 },
    Bytes(Vec<u8>),
}

impl Piece {
    fn len(&self) -> u64 {
        match self {
            Piece::File { len, .. } => *len,
            Piece::Bytes(b) => b.len() as u64,
        }
    }
}

/// A song file with its pictures left out; reads and seeks like the file it stands for.
pub struct SongFile {
    file: File,
    pieces: Vec<Piece>,
    len: u64,
    pos: u64,
}

impl SongFile {
    pub fn open(path: &Path) -> Result<SongFile, SongFileError> {
        let mut file = File::open(path)?;
        let file_len = file.metadata()?.len();
        let pieces = layout(&mut file, file_len)?;
        let len = pieces.iter().map(Piece::len).sum();
        file.seek(SeekFrom::Start(0))?;
        Ok(SongFile {
            file,
            pieces,
            len,
            pos: 0,
        })
    }

    /// The length of the view, in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Read for SongFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut start = 0;
        for piece in &self.pieces {
            let end = start + piece.len();
            if self.pos < end {
                let within = self.pos - start;
                let want = buf.len().min((end - self.pos) as usize);
                let n = match piece {
                    Piece::Bytes(bytes) => {
                        let from = within as usize;
                        buf[..want].copy_from_slice(&bytes[from..from + want]);
                        want
                    }
                    Piece::File { offset, .. } => {
                        self.file.seek(SeekFrom::Start(offset + within))?;
                        self.file.read(&mut buf[..want])?
                    }
                };
                self.pos += n as u64;
                return Ok(n);
            }
            start = end;
        }
        Ok(0)
    }
}

impl Seek for SongFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

impl symphonia::core::io::MediaSource for SongFile {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}

pub(crate) fn read_at(file: &mut File, offset: u64, buf: &mut [u8]) -> io::Result<bool> {
    file.seek(SeekFrom::Start(offset))?;
    match file.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// The pieces of the view of a `len`-byte file.
fn layout(file: &mut File, len: u64) -> Result<Vec<Piece>, SongFileError> {
    let mut start = 0;
    let mut head = [0u8; 12];
    // ID3v2 tags (several may follow one another) are left out.
    while read_at(file, start, &mut head[..10])? && &head[..3] == b"ID3" {
        let size = synchsafe(&head[6..10]);
        let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
        start = (start + 10 + size + footer).min(len);
    }
    let whole = vec![Piece::File {
        offset: start,
        len: len - start,
    }];
    if !read_at(file, start, &mut head)? {
        return Ok(whole);
    }
    match &head {
        [b'f', b'L', b'a', b'C', ..] => flac_without_pictures(file, start, len),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => {
            mp4::check(file, start, len)?;
            Ok(whole)
        }
        [b'O', b'g', b'g', b'S', ..] => {
            check_ogg(file, start, len)?;
            Ok(whole)
        }
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E'] => {
            check_riff(file, start, len)?;
            Ok(whole)
        }
        _ => Ok(whole),
    }
}

fn synchsafe(b: &[u8]) -> u64 {
    b.iter().fold(0, |n, &x| (n << 7) | u64::from(x & 0x7f))
}

const FLAC_PICTURE: u8 = 6;

/// `fLaC` and its metadata blocks, PICTURE blocks left out, then the audio frames.
fn flac_without_pictures(
    file: &mut File,
    start: u64,
    len: u64,
) -> Result<Vec<Piece>, SongFileError> {
    let mut blocks = Vec::new(); // (header byte, offset of the body, body length)
    let mut at = start + 4;
    loop {
        let mut header = [0u8; 4];
        if !read_at(file, at, &mut header)? {
            break;
        }
        let claimed = u64::from(u32::from_be_bytes([0, header[1], header[2], header[3]]));
        // A block that claims more than the file holds ends at the file's end: the view
        // must hold exactly the bytes it says it has.
        let body = claimed.min(len.saturating_sub(at + 4));
        blocks.push((header[0], at + 4, body));
        at += 4 + body;
        if header[0] & 0x80 != 0 || at >= len {
            break;
        }
    }
    if !blocks.iter().any(|b| b.0 & 0x7f == FLAC_PICTURE) {
        return Ok(vec![Piece::File {
            offset: start,
            len: len - start,
        }]);
    }
    let kept: Vec<_> = blocks
        .iter()
        .filter(|b| b.0 & 0x7f != FLAC_PICTURE)
        .collect();
    let mut pieces = vec![Piece::Bytes(b"fLaC".to_vec())];
    for (i, &&(kind, offset, body)) in kept.iter().enumerate() {
        let last = if i + 1 == kept.len() { 0x80 } else { 0 };
        let size = (body as u32).to_be_bytes();
        pieces.push(Piece::Bytes(vec![
            (kind & 0x7f) | last,
            size[1],
            size[2],
            size[3],
        ]));
        pieces.push(Piece::File { offset, len: body });
    }
    let audio = at.min(len);
    pieces.push(Piece::File {
        offset: audio,
        len: len - audio,
    });
    Ok(pieces)
}

pub(crate) fn oversized(what: &'static str, bytes: u64) -> Result<(), SongFileError> {
    if bytes > MAX_METADATA_BYTES {
        Err(SongFileError::OversizedMetadata { what, bytes })
    } else {
        Ok(())
    }
}

/// Refuses an Ogg stream whose comment header (its second packet, where pictures live as
/// base64) is larger than the limit. Only page headers are read.
fn check_ogg(file: &mut File, start: u64, len: u64) -> Result<(), SongFileError> {
    let (mut at, mut packet, mut size) = (start, 0u32, 0u64);
    while at + 27 <= len && packet < 2 {
        let mut header = [0u8; 27];
        if !read_at(file, at, &mut header)? || &header[..4] != b"OggS" {
            break;
        }
        let mut lacing = vec![0u8; usize::from(header[26])];
        if !read_at(file, at + 27, &mut lacing)? {
            break;
        }
        for &l in &lacing {
            if packet == 1 {
                size += u64::from(l);
                oversized("comments and pictures", size)?;
            }
            if l < 255 {
                packet += 1;
            }
        }
        at += 27 + lacing.len() as u64 + lacing.iter().map(|&l| u64::from(l)).sum::<u64>();
    }
    Ok(())
}

/// Refuses a WAV whose metadata chunks (anything but the audio) are larger than the limit.
fn check_riff(file: &mut File, start: u64, len: u64) -> Result<(), SongFileError> {
    let mut at = start + 12;
    while at + 8 <= len {
        let mut header = [0u8; 8];
        if !read_at(file, at, &mut header)? {
            break;
        }
        let size = u64::from(u32::from_le_bytes([
            header[4], header[5], header[6], header[7],
        ]));
        if &header[..4] != b"data" {
            oversized("metadata", size)?;
        }
        at += 8 + size + (size & 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(bytes: &[u8]) -> Result<Vec<u8>, SongFileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("song");
        std::fs::write(&path, bytes).unwrap();
        let mut song = SongFile::open(&path)?;
        let mut out = Vec::new();
        song.read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, song.len());
        Ok(out)
    }

    fn flac_block(kind: u8, last: bool, body: &[u8]) -> Vec<u8> {
        let size = (body.len() as u32).to_be_bytes();
        let mut b = vec![
            kind | if last { 0x80 } else { 0 },
            size[1],
            size[2],
            size[3],
        ];
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn an_id3v2_tag_in_front_is_left_out() {
        let mut mp3 = b"ID3\x04\x00\x00\x00\x00\x01\x00".to_vec(); // 128-byte tag
        mp3.extend_from_slice(&[7u8; 128]);
        mp3.extend_from_slice(b"\xff\xfbAUDIO");
        assert_eq!(view(&mp3).unwrap(), b"\xff\xfbAUDIO");
        assert_eq!(view(b"plain audio").unwrap(), b"plain audio");
    }

    #[test]
    fn flac_pictures_are_cut_from_the_block_chain() {
        let mut flac = b"fLaC".to_vec();
        flac.extend(flac_block(0, false, &[1; 34]));
        flac.extend(flac_block(4, false, b"vorbis comments"));
        flac.extend(flac_block(FLAC_PICTURE, true, &[9; 500]));
        flac.extend_from_slice(b"FRAMES");
        let mut expected = b"fLaC".to_vec();
        expected.extend(flac_block(0, false, &[1; 34]));
        expected.extend(flac_block(4, true, b"vorbis comments"));
        expected.extend_from_slice(b"FRAMES");
        assert_eq!(view(&flac).unwrap(), expected);
    }

    #[test]
    fn a_flac_block_claiming_more_than_the_file_holds_ends_at_the_file() {
        // Found by fuzzing: a picture, then a block that claims 14 MB of a 2 kB file.
        let mut flac = b"fLaC".to_vec();
        flac.extend(flac_block(FLAC_PICTURE, false, &[9; 100]));
        flac.extend_from_slice(&[4, 0xdf, 0xa4, 0x42]);
        flac.extend_from_slice(&[7; 2000]);
        let out = view(&flac).unwrap(); // its length is what it reads
        assert_eq!(&out[..4], b"fLaC");
        assert_eq!(out.len(), 4 + 4 + 2000);
    }

    #[test]
    fn seeking_into_a_rewritten_view_reads_the_right_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.flac");
        let mut flac = b"fLaC".to_vec();
        flac.extend(flac_block(FLAC_PICTURE, false, &[9; 100]));
        flac.extend(flac_block(0, true, &[1; 34]));
        flac.extend_from_slice(b"0123456789");
        std::fs::write(&path, &flac).unwrap();
        let mut song = SongFile::open(&path).unwrap();
        let mut tail = [0u8; 4];
        song.seek(SeekFrom::End(-4)).unwrap();
        song.read_exact(&mut tail).unwrap();
        assert_eq!(&tail, b"6789");
        song.seek(SeekFrom::Start(4)).unwrap();
        song.read_exact(&mut tail).unwrap();
        assert_eq!(tail, [0x80, 0, 0, 34], "the kept block is now the last");
    }

    #[test]
    fn oversized_metadata_elsewhere_is_refused_by_its_size() {
        // A WAV whose LIST chunk claims 100 MB.
        let mut wav = b"RIFF\0\0\0\0WAVE".to_vec();
        wav.extend_from_slice(b"LIST");
        wav.extend_from_slice(&(100u32 << 20).to_le_bytes());
        let err = view(&wav).unwrap_err();
        assert!(
            matches!(err, SongFileError::OversizedMetadata { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("104 MB"), "{err}");
        // An M4A whose cover atom claims 40 MB.
        let atom = |kind: &[u8], body: Vec<u8>| {
            let mut a = ((body.len() + 8) as u32).to_be_bytes().to_vec();
            a.extend_from_slice(kind);
            a.extend(body);
            a
        };
        let mut covr = (40u32 << 20).to_be_bytes().to_vec();
        covr.extend_from_slice(b"covr");
        let mut meta_body = vec![0u8; 4];
        meta_body.extend(atom(b"ilst", covr));
        let moov = atom(b"moov", atom(b"udta", atom(b"meta", meta_body)));
        let mut m4a = atom(b"ftyp", b"M4A \0\0\0\0".to_vec());
        m4a.extend(moov);
        let err = view(&m4a).unwrap_err();
        assert!(err.to_string().contains("pictures"), "{err}");
    }
}
