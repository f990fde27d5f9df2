//! The structure checks an MP4/M4A song passes before a decoder reads it.
//!
//! symphonia's MP4 reader trusts the sizes and counts it reads: an atom's claimed length, a
//! sample table's entry count, a descriptor's length. It allocates what they claim before it
//! reads a byte, so a 2 kB file whose `stts` claims four billion entries asks for 32 GB and
//! the allocator aborts the process — no panic guard can catch that. So the atoms the reader
//! descends into (moov and moof, with their tracks, sample tables and sample descriptions)
//! are walked here first, reading only headers and counts: every atom must end inside its
//! parent, every table must hold the entries it claims, every descriptor must fit its atom.
//! A file that fails is refused with the reason; a sound one streams as before.

use std::fs::File;
use std::io;

use crate::song_file::{oversized, read_at, SongFileError};

/// How deep atoms nest in any real file; deeper nesting is not followed (the reader does
/// not descend there either).
const MAX_DEPTH: usize = 12;

/// The most samples a fragment's run may announce without a field per sample (a minute of
/// 48 kHz audio as one-sample frames, far beyond any real run).
const MAX_EMPTY_SAMPLES: u64 = 1 << 22;

/// An atom: its type, the offset of its body and its body's length as claimed.
#[derive(Debug, Clone, Copy)]
struct Atom {
    kind: [u8; 4],
    body: u64,
    len: u64,
}

impl Atom {
    fn end(&self) -> u64 {
        self.body.saturating_add(self.len)
    }

    fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// Checks an MP4 file (`start`..`len`): its cover pictures' size, then its structure.
pub(crate) fn check(file: &mut File, start: u64, len: u64) -> Result<(), SongFileError> {
    check_covers(file, start, len)?;
    for atom in atoms(file, start, len)? {
        check_min_len(atom)?;
        if matches!(&atom.kind, b"moov" | b"moof") {
            let end = atom.end().min(len);
            check_children(file, atom.body, end, 1)?;
        }
    }
    Ok(())
}

/// The atoms between `from` and `to`, with their lengths as claimed (even past `to`).
fn atoms(file: &mut File, from: u64, to: u64) -> io::Result<Vec<Atom>> {
    let mut found = Vec::new();
    let mut at = from;
    while at.saturating_add(8) <= to {
        let mut header = [0u8; 16];
        if !read_at(file, at, &mut header[..8])? {
            break;
        }
        let kind = [header[4], header[5], header[6], header[7]];
        let (size, head_len) =
            match u32::from_be_bytes([header[0], header[1], header[2], header[3]]) {
                1 => {
                    if !read_at(file, at + 8, &mut header[8..16])? {
                        break;
                    }
                    (
                        u64::from_be_bytes(header[8..16].try_into().unwrap_or_default()),
                        16,
                    )
                }
                0 => (to - at, 8),
                n => (u64::from(n), 8),
            };
        if size < head_len {
            break;
        }
        found.push(Atom {
            kind,
            body: at + head_len,
            len: size - head_len,
        });
        at = at.saturating_add(size);
    }
    Ok(found)
}

fn damaged(what: String) -> SongFileError {
    SongFileError::DamagedMp4(what)
}

/// Checks the atoms inside a container's body (`from`..`to`) and, by type, below them.
fn check_children(file: &mut File, from: u64, to: u64, depth: usize) -> Result<(), SongFileError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for atom in atoms(file, from, to)? {
        fits(atom, to)?;
        check_min_len(atom)?;
        check_atom(file, atom, depth)?;
    }
    Ok(())
}

/// An atom must end inside its parent, which ends at `to`.
fn fits(atom: Atom, to: u64) -> Result<(), SongFileError> {
    if atom.end() > to {
        return Err(damaged(format!(
            "the `{}` atom claims {} bytes, more than the {} left around it",
            atom.name(),
            atom.len,
            to.saturating_sub(atom.body)
        )));
    }
    Ok(())
}

/// The reader subtracts these fixed parts from an atom's length (and would wrap around to
/// an enormous length below them).
fn check_min_len(atom: Atom) -> Result<(), SongFileError> {
    let min = match &atom.kind {
        b"hdlr" => 24,
        b"data" | b"ftyp" | b"stsd" => 8,
        b"meta" | b"esds" | b"alac" | b"mean" | b"name" => 4,
        _ => 0,
    };
    if atom.len < min {
        return Err(damaged(format!(
            "the `{}` atom is {} bytes long, shorter than its {min} bytes of fields",
            atom.name(),
            atom.len
        )));
    }
    Ok(())
}

fn check_atom(file: &mut File, atom: Atom, depth: usize) -> Result<(), SongFileError> {
    let (from, to) = (atom.body, atom.end());
    match &atom.kind {
        b"trak" | b"mdia" | b"minf" | b"stbl" | b"edts" | b"dinf" | b"udta" | b"mvex" | b"traf"
        | b"moov" | b"moof" => check_children(file, from, to, depth + 1),
        // Tag items, each holding `data` (and `mean`, `name`) atoms.
        b"ilst" => {
            for item in atoms(file, from, to)? {
                fits(item, to)?;
                check_children(file, item.body, item.end(), depth + 2)?;
            }
            Ok(())
        }
        // Full atoms: version and flags, then children.
        b"meta" => check_children(file, from + 4, to, depth + 1),
        // Full atom, an entry count, then one sample entry per codec.
        b"stsd" => {
            for entry in atoms(file, from.saturating_add(8), to)? {
                fits(entry, to)?;
                check_sample_entry(file, entry, depth + 1)?;
            }
            Ok(())
        }
        b"stts" | b"ctts" | b"co64" => check_table(file, atom, 4, 8),
        b"stsc" => check_table(file, atom, 4, 12),
        b"stco" | b"stss" => check_table(file, atom, 4, 4),
        b"stsz" => {
            let mut head = [0u8; 4];
            // A sample size of 0 means a table of sizes follows the count.
            if read_at(file, from + 4, &mut head)? && head == [0; 4] {
                check_table(file, atom, 8, 4)
            } else {
                Ok(())
            }
        }
        b"elst" => {
            let version = read_u8(file, from)?;
            check_table(file, atom, 4, if version == 1 { 20 } else { 12 })
        }
        b"trun" => check_trun(file, atom),
        // Version and flags, then MPEG-4 descriptors (found inside audio sample entries).
        b"esds" => check_descriptors(file, from + 4, to, 0),
        _ => Ok(()),
    }
}

/// An audio sample entry: 28 bytes of fields (44 or 64 in versions 1 and 2), then atoms
/// such as `esds`.
fn check_sample_entry(file: &mut File, entry: Atom, depth: usize) -> Result<(), SongFileError> {
    if !matches!(
        &entry.kind,
        b"mp4a" | b"alac" | b"fLaC" | b"Opus" | b"lpcm" | b"ipcm"
    ) {
        return Ok(());
    }
    let mut version = [0u8; 2];
    if !read_at(file, entry.body + 8, &mut version)? {
        return Ok(());
    }
    let fields = match u16::from_be_bytes(version) {
        1 => 44,
        2 => 64,
        _ => 28,
    };
    check_children(file, entry.body + fields, entry.end(), depth + 1)
}

/// The MPEG-4 descriptors in an `esds` atom: a tag, a length of 1-4 bytes of 7 bits each,
/// then the body, which for the ES and decoder-config descriptors holds more descriptors.
fn check_descriptors(
    file: &mut File,
    from: u64,
    to: u64,
    depth: usize,
) -> Result<(), SongFileError> {
    let mut at = from;
    while at < to && depth <= MAX_DEPTH {
        let tag = read_u8(file, at)?;
        let (mut len, mut n) = (0u64, 0);
        loop {
            let b = read_u8(file, at + 1 + n)?;
            len = (len << 7) | u64::from(b & 0x7f);
            n += 1;
            if b & 0x80 == 0 || n == 4 {
                break;
            }
        }
        let body = at + 1 + n;
        if body.saturating_add(len) > to {
            return Err(damaged(format!(
                "an `esds` descriptor claims {len} bytes, more than the {} left in it",
                to.saturating_sub(body)
            )));
        }
        // The ES descriptor's own fields come before its children; they are variable, so
        // only the decoder-config descriptor (13 bytes of fields) is descended into.
        if tag == 4 {
            check_descriptors(file, body + 13, body + len, depth + 1)?;
        } else if tag == 3 {
            check_es_descriptor(file, body, body + len, depth + 1)?;
        }
        at = body + len;
    }
    Ok(())
}

/// The ES descriptor: an ID, flags, then optional fields the flags announce, then children.
fn check_es_descriptor(
    file: &mut File,
    from: u64,
    to: u64,
    depth: usize,
) -> Result<(), SongFileError> {
    let flags = read_u8(file, from + 2)?;
    let mut at = from + 3;
    if flags & 0x80 != 0 {
        at += 2; // depends-on ES ID
    }
    if flags & 0x40 != 0 {
        at += 1 + u64::from(read_u8(file, at)?); // URL
    }
    if flags & 0x20 != 0 {
        at += 2; // OCR ES ID
    }
    check_descriptors(file, at, to, depth)
}

/// A table: `skip` bytes after version and flags, a 32-bit entry count, then the entries.
fn check_table(file: &mut File, atom: Atom, skip: u64, entry: u64) -> Result<(), SongFileError> {
    let mut count = [0u8; 4];
    if !read_at(file, atom.body + skip, &mut count)? {
        return Ok(());
    }
    let entries = u64::from(u32::from_be_bytes(count));
    let needs = skip + 4 + entries * entry;
    if needs > atom.len {
        return Err(damaged(format!(
            "the `{}` table claims {entries} entries, which need {needs} bytes, in {} bytes",
            atom.name(),
            atom.len
        )));
    }
    Ok(())
}

/// A fragment's sample run: a count, optional fields the flags announce, then per sample
/// up to four 32-bit fields.
fn check_trun(file: &mut File, atom: Atom) -> Result<(), SongFileError> {
    let mut head = [0u8; 8];
    if !read_at(file, atom.body, &mut head)? {
        return Ok(());
    }
    let flags = u32::from_be_bytes([0, head[1], head[2], head[3]]);
    let per_sample = 4 * u64::from((flags & 0xf00).count_ones());
    let optional = 4 * u64::from((flags & 0x5).count_ones());
    let count = u64::from(u32::from_be_bytes([head[4], head[5], head[6], head[7]]));
    let needs = 8 + optional + count * per_sample;
    // Samples with no fields of their own cost no bytes, but the reader still counts
    // through them one by one.
    if needs > atom.len || (per_sample == 0 && count > MAX_EMPTY_SAMPLES) {
        return Err(damaged(format!(
            "the `trun` run claims {count} samples in {} bytes",
            atom.len
        )));
    }
    Ok(())
}

fn read_u8(file: &mut File, at: u64) -> Result<u8, SongFileError> {
    let mut b = [0u8; 1];
    if read_at(file, at, &mut b)? {
        Ok(b[0])
    } else {
        Err(damaged(format!("it ends inside an atom, at byte {at}")))
    }
}

/// Refuses an MP4 whose cover atoms (moov/udta/meta/ilst/covr) are larger than the limit.
fn check_covers(file: &mut File, start: u64, len: u64) -> Result<(), SongFileError> {
    let path: [&[u8; 4]; 4] = [b"moov", b"udta", b"meta", b"ilst"];
    let mut level = vec![(start, len)];
    for (depth, name) in path.iter().enumerate() {
        let mut next = Vec::new();
        for (from, to) in level {
            for atom in atoms(file, from, to)? {
                if &atom.kind == *name {
                    // `meta` is a full atom: 4 bytes of version and flags before its children.
                    let skip = if depth == 2 { 4 } else { 0 };
                    next.push((atom.body + skip, atom.end().min(to)));
                }
            }
        }
        level = next;
    }
    for (from, to) in level {
        let covers: u64 = atoms(file, from, to)?
            .iter()
            .filter(|a| &a.kind == b"covr")
            .map(|a| a.len)
            .sum();
        oversized("pictures", covers)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::song_file::{SongFile, SongFileError};

    fn atom(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut a = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        a.extend_from_slice(kind);
        a.extend_from_slice(body);
        a
    }

    /// An M4A skeleton: ftyp, then moov/trak/mdia/minf/stbl holding `tables`.
    fn m4a(tables: &[u8]) -> Vec<u8> {
        let stbl = atom(b"stbl", tables);
        let trak = atom(b"trak", &atom(b"mdia", &atom(b"minf", &stbl)));
        let mut file = atom(b"ftyp", b"M4A \0\0\0\0");
        file.extend(atom(b"moov", &trak));
        file.extend(atom(b"mdat", &[0; 64]));
        file
    }

    fn open(bytes: &[u8]) -> Result<SongFile, SongFileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("song.m4a");
        std::fs::write(&path, bytes).unwrap();
        SongFile::open(&path)
    }

    fn table(entries: u32, bytes_per_entry: usize, held: u32) -> Vec<u8> {
        let mut body = vec![0u8; 4];
        body.extend_from_slice(&entries.to_be_bytes());
        body.extend(vec![1u8; bytes_per_entry * held as usize]);
        body
    }

    #[test]
    fn sound_sample_tables_pass() {
        let mut tables = atom(b"stts", &table(2, 8, 2));
        tables.extend(atom(b"stsc", &table(1, 12, 1)));
        tables.extend(atom(b"stco", &table(3, 4, 3)));
        assert!(open(&m4a(&tables)).is_ok());
    }

    #[test]
    fn a_table_claiming_more_entries_than_it_holds_is_refused() {
        // Found by fuzzing: `stts` claiming 4,294,967,295 entries made the reader ask for 32 GB.
        for kind in [b"stts", b"stsc", b"stco", b"co64", b"ctts", b"stss"] {
            let err = open(&m4a(&atom(kind, &table(u32::MAX, 8, 2)))).err();
            let err = err.unwrap_or_else(|| panic!("{} was let through", kind.escape_ascii()));
            assert!(matches!(err, SongFileError::DamagedMp4(_)), "{err}");
            assert!(err.to_string().contains("4294967295 entries"), "{err}");
        }
    }

    #[test]
    fn an_atom_claiming_more_than_its_parent_holds_is_refused() {
        let mut hdlr = 1_000_000u32.to_be_bytes().to_vec();
        hdlr.extend_from_slice(b"hdlr");
        hdlr.extend_from_slice(&[0; 40]);
        let err = open(&m4a(&hdlr)).err().expect("refused");
        assert!(err.to_string().contains("`hdlr` atom claims"), "{err}");
    }

    #[test]
    fn an_atom_shorter_than_its_fixed_fields_is_refused() {
        // The reader takes 24 bytes off `hdlr`'s length: 8 would wrap around.
        let err = open(&m4a(&atom(b"hdlr", &[0; 8]))).err().expect("refused");
        assert!(
            err.to_string().contains("shorter than its 24 bytes"),
            "{err}"
        );
    }

    #[test]
    fn an_esds_descriptor_longer_than_its_atom_is_refused() {
        // mp4a sample entry (28 bytes of fields) holding an esds whose decoder-specific info
        // claims 200 MB.
        let mut esds = vec![0u8; 4];
        esds.extend_from_slice(&[3, 20, 0, 1, 0]); // ES descriptor: id 1, no flags
        esds.extend_from_slice(&[4, 15, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        esds.extend_from_slice(&[5, 0xe0, 0x80, 0x80, 0x00]); // 200 MB, in 4 length bytes
        let mut mp4a = vec![0u8; 28];
        mp4a.extend(atom(b"esds", &esds));
        let mut stsd = vec![0, 0, 0, 0, 0, 0, 0, 1];
        stsd.extend(atom(b"mp4a", &mp4a));
        let err = open(&m4a(&atom(b"stsd", &stsd))).err().expect("refused");
        assert!(
            err.to_string().contains("`esds` descriptor claims"),
            "{err}"
        );
    }

    #[test]
    fn nesting_deeper_than_any_real_file_is_not_followed() {
        let mut udta = atom(b"free", &[]);
        for _ in 0..10_000 {
            udta = atom(b"udta", &udta);
        }
        let mut file = atom(b"ftyp", b"M4A \0\0\0\0");
        file.extend(atom(b"moov", &udta));
        assert!(open(&file).is_ok());
    }
}
