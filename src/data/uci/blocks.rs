//! The streaming loop: this thread reads blocks, a second thread parses each block in parallel
//! pieces and appends the rows, in file order.

use super::chunk::{count_lines, parse_chunk, ChunkRows, Fault, LineFault};
use super::number::parse_field;
use super::stream::{read_error, read_up_to, Source};
use crate::data::matrix::Matrix;
use crate::data::table::N_FIELDS;
use crate::engine::memory::extend_in_parallel;
use crate::error::{shorten_bytes, Error, Result};
use crate::observer::{Event, Note, Observer};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};

/// Bytes read at a time. A longer line grows its block, up to [`MAX_LINE_BYTES`].
pub const BLOCK_BYTES: usize = 8 << 20;
/// The longest line read (a valid line of 91 fields can be longer than a block when its numbers
/// are written with millions of digits); a longer one is refused as such.
pub const MAX_LINE_BYTES: usize = 256 << 20;
/// Target size of the pieces parsed in parallel (cut at the next newline).
const PIECE_BYTES: usize = 512 << 10;

/// Bytes per row assumed when sizing the output from the input size.
const BYTES_PER_ROW_GUESS: u64 = 600;
/// Cap of that guess (rows), so a huge input cannot ask for absurd memory up front.
const MAX_ROWS_GUESS: u64 = 1_000_000;

/// A buffer (at least `BLOCK_BYTES`) whose first `len` bytes are whole lines (or the end of the
/// file).
struct Block {
    data: Vec<u8>,
    len: usize,
    /// A line longer than [`MAX_LINE_BYTES`] starts at `len`: nothing more is read.
    overlong: bool,
}

/// Reads `source` to the end and parses it.
pub fn parse_source(source: Source<'_>) -> Result<Matrix> {
    let Source {
        reader,
        name,
        kind,
        size_hint,
        observer,
    } = source;
    let name = name.as_path();
    let (outcome, read_result) = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Block>(2);
        let (back_tx, back_rx) = channel::<Vec<u8>>();
        let parser = scope.spawn(move || Parser::new(name, size_hint, observer).run(rx, back_tx));
        let mut read_result = read_blocks(reader, &tx, &back_rx, MAX_LINE_BYTES);
        drop(tx);
        let outcome = parser.join();
        // A parse error in damaged compressed data: read on, and blame the archive if it is.
        if kind.compressed() && read_result.is_ok() && !matches!(outcome, Ok(Ok(_))) {
            read_result = drain(reader);
        }
        (outcome, read_result)
    });
    if let Err(e) = read_result {
        return Err(read_error(kind, name, e));
    }
    match outcome {
        Ok(result) => result,
        Err(_) => Err(Error::format(name, "internal error while parsing")),
    }
}

/// Fills blocks from `reader` and sends them until the end or until the parser stops listening.
fn read_blocks(
    reader: &mut dyn Read,
    tx: &SyncSender<Block>,
    back: &Receiver<Vec<u8>>,
    max_line: usize,
) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut data = back.try_recv().unwrap_or_default();
        let size = BLOCK_BYTES
            .max(carry.len() * 2)
            .min(max_line.max(BLOCK_BYTES));
        if data.len() < size {
            data.resize(size, 0);
        }
        data[..carry.len()].copy_from_slice(&carry);
        let mut filled = carry.len();
        let mut searched = 0;
        carry.clear();
        // Fill the block; while it holds no newline, grow it (a long line), up to the limit.
        let (len, overlong, at_end) = loop {
            let got = read_up_to(reader, &mut data[filled..])?;
            filled += got;
            if filled < data.len() {
                break (filled, false, true);
            }
            match memchr::memrchr(b'\n', &data[searched..filled]) {
                Some(i) => {
                    let end = searched + i + 1;
                    carry.extend_from_slice(&data[end..filled]);
                    break (end, false, false);
                }
                None if data.len() >= max_line => {
                    // The lines before the long one are parsed; the long one is refused.
                    let start = memchr::memrchr(b'\n', &data[..searched]).map_or(0, |i| i + 1);
                    break (start, true, false);
                }
                None => {
                    searched = filled;
                    data.resize((data.len() * 2).min(max_line), 0);
                }
            }
        };
        if (len > 0 || overlong)
            && tx
                .send(Block {
                    data,
                    len,
                    overlong,
                })
                .is_err()
        {
            return Ok(());
        }
        if at_end || overlong {
            return Ok(());
        }
    }
}

/// Reads the rest of `reader`, to find out whether it is damaged.
fn drain(reader: &mut dyn Read) -> std::io::Result<()> {
    std::io::copy(reader, &mut std::io::sink()).map(|_| ())
}

/// State carried from block to block.
struct Parser<'a> {
    name: &'a Path,
    observer: &'a dyn Observer,
    out: Vec<f64>,
    rows: usize,
    /// Lines before the current block.
    lines: u64,
    /// First of the empty lines seen so far, when no row has followed them (yet).
    pending_blank: Option<u64>,
    started: bool,
}

impl<'a> Parser<'a> {
    /// A parser whose output has room for the rows `size_hint` bytes of text likely hold.
    ///
    /// Growing a Vec of hundreds of MB step by step copies it (and faults its pages in) several
    /// times; one allocation up front avoids that. Lines of the real file are about 870 bytes,
    /// so `bytes / 600` rows is a generous guess; untouched capacity costs no memory, and a file
    /// of shorter lines just grows past it.
    fn new(name: &'a Path, size_hint: Option<u64>, observer: &'a dyn Observer) -> Self {
        let rows = size_hint.map_or(0, |b| (b / BYTES_PER_ROW_GUESS).min(MAX_ROWS_GUESS)) as usize;
        let mut out = Vec::new();
        // Only a guess: when the memory is refused, grow as needed instead.
        let _ = out.try_reserve_exact(rows * N_FIELDS);
        Parser {
            name,
            observer,
            out,
            rows: 0,
            lines: 0,
            pending_blank: None,
            started: false,
        }
    }

    fn run(mut self, rx: Receiver<Block>, back: Sender<Vec<u8>>) -> Result<Matrix> {
        for block in rx {
            let bytes = &block.data[..block.len];
            let bytes = if self.started {
                bytes
            } else {
                self.started = true;
                self.skip_header(bytes)?
            };
            self.parse_block(bytes)?;
            if block.overlong {
                return Err(Error::Line {
                    path: self.name.to_path_buf(),
                    line: self.lines + 1,
                    message: format!(
                        "longer than {} MiB: not a line of UCI data",
                        MAX_LINE_BYTES >> 20
                    ),
                });
            }
            let _ = back.send(block.data);
        }
        if self.rows == 0 {
            return Err(Error::format(
                self.name,
                "no data rows (the file is empty or holds only a header)",
            ));
        }
        self.out.shrink_to_fit();
        Ok(Matrix::from_vec(self.rows, N_FIELDS, self.out))
    }

    /// Drops a UTF-8 byte-order mark and a first line of column names (with a notice).
    ///
    /// A header is a first line of text whose first field holds letters and none of whose fields
    /// is a number: a data line with a damaged year is an error, not a header to skip, and so is
    /// a first line that would pass for one but is not text at all (bytes that are not UTF-8,
    /// control characters: a compressed or binary file).
    fn skip_header<'b>(&mut self, bytes: &'b [u8]) -> Result<&'b [u8]> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
        let line = &bytes[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut fields = line.split(|&b| b == b',');
        let first = fields.next().unwrap_or(&[]);
        let is_name = parse_field(first).is_none()
            && first.iter().any(u8::is_ascii_alphabetic)
            && fields.all(|f| parse_field(f).is_none());
        // Compressed data is never a line of numbers; other bytes are refused as a header only
        // (a damaged data line gets the field's own error).
        let compressed = super::stream::detect(line).compressed();
        if compressed || is_name {
            if let Some(why) = not_text(line) {
                return Err(Error::Line {
                    path: self.name.to_path_buf(),
                    line: 1,
                    message: why,
                });
            }
        }
        if !is_name {
            return Ok(bytes);
        }
        self.observer.event(Event::Note(Note::HeaderSkipped {
            path: self.name.to_path_buf(),
            header: shorten_bytes(line, 30),
        }));
        self.lines = 1;
        Ok(&bytes[(end + 1).min(bytes.len())..])
    }

    /// Parses whole lines in parallel pieces and appends their rows.
    fn parse_block(&mut self, bytes: &[u8]) -> Result<()> {
        let pieces = cut_pieces(bytes, PIECE_BYTES);
        let counts: Vec<usize> = pieces.par_iter().map(|p| count_lines(p)).collect();
        let lens: Vec<usize> = counts.iter().map(|c| c * N_FIELDS).collect();
        let results: Vec<Result<ChunkRows, LineFault>> =
            extend_in_parallel(&mut self.out, &lens, |k, out| parse_chunk(pieces[k], out));
        let mut line_base = self.lines;
        for (result, &count) in results.iter().zip(&counts) {
            match result {
                Err(fault) => {
                    if let Some(blank) = self.pending_blank {
                        return Err(self.error(blank, Fault::Blank));
                    }
                    return Err(self.error(line_base + fault.line, fault.kind.clone()));
                }
                Ok(got) => {
                    if got.rows > 0 {
                        if let Some(blank) = self.pending_blank {
                            return Err(self.error(blank, Fault::Blank));
                        }
                    }
                    self.rows += got.rows;
                    if let (None, Some(t)) = (self.pending_blank, got.trailing_blank) {
                        self.pending_blank = Some(line_base + t);
                    }
                }
            }
            line_base += count as u64;
        }
        self.lines = line_base;
        self.out.truncate(self.rows * N_FIELDS);
        Ok(())
    }

    /// The error for `fault` at the 0-based line `line` of the file.
    fn error(&self, line: u64, fault: Fault) -> Error {
        let path = self.name.to_path_buf();
        let line = line + 1;
        match fault {
            Fault::FieldCount(found) => Error::Line {
                path,
                line,
                message: format!("expected {N_FIELDS} fields, found {found}"),
            },
            Fault::Blank => Error::Line {
                path,
                line,
                message: "empty line in the middle of the file".into(),
            },
            Fault::Field { field, message } => Error::Parse {
                path,
                line,
                field,
                message,
            },
        }
    }
}

/// Why `line` (the first of a file) is not text, if it is not: what a data file that is really
/// an archive, a compressed stream inside another, or a binary file starts with.
fn not_text(line: &[u8]) -> Option<String> {
    let kind = super::stream::detect(line);
    if kind.compressed() {
        return Some(format!(
            "not text but {} data (a compressed file inside another?): decompress it first",
            kind.describe()
        ));
    }
    let control = line.iter().any(|&b| b < 0x20 && b != b'\t');
    if control || std::str::from_utf8(line).is_err() {
        return Some(format!(
            "not text (bytes that are not UTF-8 or are control characters): '{}'",
            shorten_bytes(line, 30)
        ));
    }
    None
}

/// Cuts `bytes` (whole lines) into pieces of about `size` bytes, each ending after a newline.
fn cut_pieces(bytes: &[u8], size: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(bytes.len() / size + 1);
    let mut start = 0;
    while start < bytes.len() {
        let target = start + size;
        let end = if target >= bytes.len() {
            bytes.len()
        } else {
            match memchr::memchr(b'\n', &bytes[target..]) {
                Some(i) => target + i + 1,
                None => bytes.len(),
            }
        };
        pieces.push(&bytes[start..end]);
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks `text` is cut into, as (length, overlong), with lines of at most `max_line`.
    fn blocks(text: &[u8], max_line: usize) -> Vec<(usize, bool)> {
        let (tx, rx) = sync_channel::<Block>(64);
        let (_back_tx, back_rx) = channel::<Vec<u8>>();
        read_blocks(&mut &text[..], &tx, &back_rx, max_line).unwrap();
        drop(tx);
        rx.iter().map(|b| (b.len, b.overlong)).collect()
    }

    #[test]
    fn a_long_line_grows_its_block_up_to_the_limit() {
        let mut text = b"1,2\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', BLOCK_BYTES + 100));
        text.extend_from_slice(b"\n3,4\n");
        // Read whole: the long line and the rest in a second, larger block.
        let got = blocks(&text, 4 * BLOCK_BYTES);
        assert_eq!(got, vec![(4, false), (text.len() - 4, false)]);
        // Beyond the limit: the lines before it, then the long line refused.
        let got = blocks(&text, BLOCK_BYTES);
        assert_eq!(got, vec![(4, false), (0, true)]);
    }

    #[test]
    fn pieces_cover_the_bytes_at_line_ends() {
        let text = b"aaa\nbb\ncccc\nd";
        let pieces = cut_pieces(text, 2);
        assert_eq!(pieces, vec![&b"aaa\n"[..], b"bb\n", b"cccc\n", b"d"]);
        assert_eq!(pieces.concat(), text.to_vec());
    }
}
