//! Generated hostile input: valid UCI files, `predict` inputs and model files, mutated (byte
//! flips, truncation, inserted and deleted fields and lines, huge and tiny numbers, non-UTF-8
//! bytes, very long lines, damaged archives). Each is judged by a plain reference written here
//! (split on commas, `str::parse::<f64>`, 91 fields, finite, whole year): when the reference
//! accepts, the loader must give the same bits; when it refuses, the loader must fail with an
//! error naming the file and the right line (and field). Never a panic, never wrong data.

use crate::common;
use msd_century::Silent;

use msd_century::data::uci;
use msd_century::data::{Provenance, Standardizer};
use msd_century::model::{self as predict, Model, Params, Training};
use msd_century::Error;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

const FIELDS: usize = 91;

// ---------------------------------------------------------------------------------------------
// Valid inputs to start from.

/// A feature value in one of the forms a UCI file (or a hand-made one) may hold.
fn number(rng: &mut ChaCha8Rng) -> String {
    let v: f64 = rng.gen_range(-3000.0..3000.0);
    match rng.gen_range(0..7) {
        0 => format!("{v:.5}"),
        1 => format!("{v:e}"),
        2 => format!("{}", v.round() as i64),
        3 => format!("{v:.1}"),
        4 => format!("{:.3}", v / 1e6),
        5 => format!("{v:E}"),
        _ => format!("{v}"),
    }
}

/// `rows` valid lines of `fields` fields (the first a whole year when `fields` is 91).
fn valid_lines(rng: &mut ChaCha8Rng, rows: usize, fields: usize) -> Vec<Vec<u8>> {
    (0..rows)
        .map(|_| {
            let mut f = Vec::with_capacity(fields);
            if fields == FIELDS {
                f.push(rng.gen_range(1922..=2011).to_string());
            }
            while f.len() < fields {
                f.push(number(rng));
            }
            f.join(",").into_bytes()
        })
        .collect()
}

/// Lines joined by `\n` (or `\r\n`), with or without a final line end.
fn join(lines: &[Vec<u8>], crlf: bool, final_newline: bool) -> Vec<u8> {
    let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        out.extend_from_slice(l);
        if i + 1 < lines.len() || final_newline {
            out.extend_from_slice(end);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mutations.

/// Numbers at and beyond the edges of `f64`, and forms `str::parse` takes or refuses.
const EXTREMES: [&str; 30] = [
    "1e300",
    "-1e300",
    "1e-300",
    "-1e-300",
    "1e308",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "1e309",
    "-1e400",
    "1e-320",
    "4.9e-324",
    "2e-324",
    "1e-400",
    "-0",
    "0e0",
    "2001.5",
    "2001.0000000000000001",
    "+2001",
    ".5",
    "5.",
    "1E5",
    "Infinity",
    "NaN",
    "-inf",
    "",
    " 1.5",
    "1.5 ",
    "0x10",
    "1_000",
    "١٢",
];

/// Byte strings to insert anywhere.
const INSERTS: [&[u8]; 16] = [
    b",",
    b",1.5",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r",
    b"1e400",
    b"nan",
    b"-",
    b"e5",
    b"\xEF\xBB\xBF",
    b"\xff\xfe",
    b"\xc3",
    b" ",
    b"\t",
    b"\x00",
];

/// One mutation: its kind and three numbers that place and size it.
type Mutation = (u8, u32, u32, u32);

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec((0u8..15, any::<u32>(), any::<u32>(), any::<u32>()), 1..4)
}

/// The text split into lines (without `\n`) and whether it ended with one.
fn lines_of(bytes: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let ends = bytes.ends_with(b"\n");
    let body = if ends {
        &bytes[..bytes.len() - 1]
    } else {
        bytes
    };
    if body.is_empty() && !ends {
        return (Vec::new(), false);
    }
    (
        body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect(),
        ends,
    )
}

fn unlines(lines: &[Vec<u8>], ends: bool) -> Vec<u8> {
    let mut out = lines.join(&b'\n');
    if ends {
        out.push(b'\n');
    }
    out
}

/// Applies `m` to the bytes of a comma-separated text file.
fn mutate(bytes: &mut Vec<u8>, m: Mutation) {
    let (kind, p, a, b) = m;
    let len = bytes.len();
    let at = |n: u32, max: usize| if max == 0 { 0 } else { n as usize % max };
    match kind {
        // Flip bits of one byte.
        0 if len > 0 => bytes[at(p, len)] ^= (a % 255 + 1) as u8,
        // Set one byte to something awkward.
        1 if len > 0 => {
            let pool = [
                0xff, 0xc3, 0x80, 0x00, b',', b'\n', b'\r', b' ', b'.', b'-', b'e', b'+', b'a',
                0xef,
            ];
            bytes[at(p, len)] = pool[at(a, pool.len())];
        }
        2 => bytes.truncate(at(p, len + 1)),
        3 => {
            let ins = INSERTS[at(a, INSERTS.len())];
            let i = at(p, len + 1);
            bytes.splice(i..i, ins.iter().copied());
        }
        4 if len > 0 => {
            let i = at(p, len);
            let j = (i + 1 + at(a, 20)).min(len);
            bytes.drain(i..j);
        }
        _ => {
            let (mut lines, ends) = lines_of(bytes);
            if lines.is_empty() {
                return;
            }
            let n = lines.len();
            let li = at(p, n);
            let mut fields: Vec<Vec<u8>> = lines[li]
                .split(|&c| c == b',')
                .map(<[u8]>::to_vec)
                .collect();
            let fi = at(a, fields.len());
            match kind {
                // Delete a field.
                5 => {
                    fields.remove(fi);
                }
                // Insert a field.
                6 => fields.insert(fi, format!("{}.25", b % 100).into_bytes()),
                // Delete a line.
                7 => {
                    lines.remove(li);
                    return *bytes = unlines(&lines, ends);
                }
                // Duplicate a line.
                8 => {
                    let copy = lines[li].clone();
                    lines.insert(li, copy);
                    return *bytes = unlines(&lines, ends);
                }
                // A huge, tiny or odd number in a field.
                9 | 10 => fields[fi] = EXTREMES[at(b, EXTREMES.len())].as_bytes().to_vec(),
                // A very long field: a number of thousands of digits (still a number).
                11 => {
                    let digits = 1 + at(b, 60_000);
                    let mut f = b"0.".to_vec();
                    f.extend(std::iter::repeat_n(b'0', digits));
                    f.push(b'7');
                    fields[fi] = f;
                }
                // A very long line: thousands of extra fields.
                12 => fields.extend(std::iter::repeat_n(b"1".to_vec(), 1 + at(b, 5000))),
                // Blank lines between lines.
                13 => {
                    let blank: &[u8] = if b % 2 == 0 { b"" } else { b"\r" };
                    lines.insert(li, blank.to_vec());
                    return *bytes = unlines(&lines, ends);
                }
                // A CRLF line end.
                _ => {
                    lines[li].push(b'\r');
                    return *bytes = unlines(&lines, ends);
                }
            }
            lines[li] = fields.join(&b',');
            *bytes = unlines(&lines, ends);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The plain reference of the UCI format.

/// What the reference makes of a file.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Accepted: the values, row after row.
    Rows(Vec<f64>),
    /// Refused at this 1-based line (and field, when one field is to blame).
    Bad { line: u64, field: Option<usize> },
    /// No data rows at all.
    Empty,
}

/// `str::parse::<f64>` of raw bytes (`None` for non-UTF-8).
fn plain_number(field: &[u8]) -> Option<f64> {
    std::str::from_utf8(field).ok()?.parse::<f64>().ok()
}

/// The first line is a header (skipped) when its first field holds letters and none of its
/// fields is a number.
fn is_header(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut fields = line.split(|&b| b == b',');
    let first = fields.next().unwrap_or(&[]);
    first.iter().any(u8::is_ascii_alphabetic)
        && plain_number(first).is_none()
        && fields.all(|f| plain_number(f).is_none())
}

/// The UCI format, plainly: optional BOM and header; lines end in `\n` or `\r\n`; 91 fields;
/// every value finite; the year whole; empty lines only at the end.
fn reference_uci(bytes: &[u8]) -> Verdict {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (lines, _) = lines_of(bytes);
    let header = lines.first().is_some_and(|l| is_header(l));
    // A first line that would pass for a header, or starts as compressed data, must be text.
    if let Some(first) = lines.first() {
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let compressed = first.starts_with(&[0x1f, 0x8b]) || first.starts_with(b"PK\x03\x04");
        let text =
            std::str::from_utf8(first).is_ok() && !first.iter().any(|&b| b < 0x20 && b != b'\t');
        if (header || compressed || first.starts_with(b"PK\x05\x06")) && !text {
            return Verdict::Bad {
                line: 1,
                field: None,
            };
        }
    }
    let skip = usize::from(header);
    let mut values = Vec::new();
    let mut first_blank = None;
    for (i, raw) in lines.iter().enumerate().skip(skip) {
        let line_no = i as u64 + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            first_blank.get_or_insert(line_no);
            continue;
        }
        if let Some(blank) = first_blank {
            return Verdict::Bad {
                line: blank,
                field: None,
            };
        }
        let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
        if fields.len() != FIELDS {
            return Verdict::Bad {
                line: line_no,
                field: None,
            };
        }
        for (j, f) in fields.iter().enumerate() {
            match plain_number(f) {
                Some(v) if v.is_finite() && (j > 0 || v.fract() == 0.0) => values.push(v),
                _ => {
                    return Verdict::Bad {
                        line: line_no,
                        field: Some(j + 1),
                    }
                }
            }
        }
    }
    if values.is_empty() {
        Verdict::Empty
    } else {
        Verdict::Rows(values)
    }
}

/// Checks the loader's answer against the reference's.
fn judge(
    name: &Path,
    got: msd_century::Result<msd_century::data::Matrix>,
    verdict: &Verdict,
) -> Result<(), TestCaseError> {
    match (verdict, got) {
        (Verdict::Rows(values), Ok(m)) => {
            prop_assert_eq!(m.cols(), FIELDS);
            prop_assert_eq!(common::bits(m.as_slice()), common::bits(values));
        }
        (Verdict::Bad { line, field }, Err(e)) => {
            let text = e.to_string();
            prop_assert!(text.starts_with(&name.display().to_string()), "{}", text);
            match (&e, field) {
                (
                    Error::Parse {
                        line: l, field: f, ..
                    },
                    Some(want),
                ) => {
                    prop_assert_eq!((*l, *f), (*line, *want), "{}", text)
                }
                (Error::Line { line: l, .. }, None) => prop_assert_eq!(*l, *line, "{}", text),
                _ => prop_assert!(false, "expected line {line} field {field:?}, got {text}"),
            }
        }
        (Verdict::Empty, Err(e)) => {
            prop_assert!(
                matches!(e, Error::Format { .. }) && e.to_string().contains("no data rows"),
                "{}",
                e
            );
        }
        (verdict, got) => prop_assert!(
            false,
            "reference {verdict:?}, loader {:?}",
            got.map(|m| m.rows())
        ),
    }
    Ok(())
}

/// A valid UCI text from `seed`: 1 to 6 rows, LF or CRLF, with or without a final newline.
fn valid_uci(seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows = rng.gen_range(1..=6);
    let lines = valid_lines(&mut rng, rows, FIELDS);
    join(&lines, rng.gen_bool(0.2), rng.gen_bool(0.8))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    /// The library loader on mutated text, against the reference.
    #[test]
    fn mutated_text_loads_right_or_fails_at_the_right_line(seed in any::<u64>(), ms in mutations()) {
        let mut bytes = valid_uci(seed);
        prop_assert!(matches!(reference_uci(&bytes), Verdict::Rows(_)));
        for m in ms {
            mutate(&mut bytes, m);
        }
        let name = Path::new("mutated.txt");
        let verdict = reference_uci(&bytes);
        judge(name, uci::parse_bytes(&bytes, name), &verdict)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Archives.

fn zip_of(text: &[u8], stored: bool) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    zip.start_file("data.txt", options).unwrap();
    zip.write_all(text).unwrap();
    zip.finish().unwrap().into_inner()
}

fn gz_of(text: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text).unwrap();
    enc.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, failure_persistence: None, ..ProptestConfig::default() })]

    /// Truncated or corrupt `.zip` and `.gz` archives: the right rows, or an error that names
    /// the archive (never a parse error from damaged text, never other rows).
    #[test]
    fn damaged_archives_give_the_rows_or_name_the_archive(
        seed in any::<u64>(),
        kind in 0u8..3,
        damage in proptest::collection::vec((0u8..3, any::<u32>(), 1u8..=255), 1..4),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows = rng.gen_range(3..=12);
        let text = join(&valid_lines(&mut rng, rows, FIELDS), false, true);
        let Verdict::Rows(expected) = reference_uci(&text) else { panic!("valid text") };
        let (name, mut bytes) = match kind {
            0 => ("d.zip", zip_of(&text, false)),
            1 => ("d.zip", zip_of(&text, true)),
            _ => ("d.gz", gz_of(&text)),
        };
        for (how, at, x) in damage {
            let len = bytes.len();
            match how {
                0 => bytes.truncate(at as usize % len.max(1)),
                1 if len > 0 => bytes[at as usize % len] ^= x,
                _ => {
                    let i = at as usize % (len + 1);
                    bytes.splice(i..i, std::iter::repeat_n(x, 1 + x as usize % 7));
                }
            }
        }
        let dir = common::temp_dir();
        let path = common::write_file(dir.path(), name, &bytes);
        match uci::parse_file(&path, &Silent) {
            Ok(m) => prop_assert_eq!(common::bits(m.as_slice()), common::bits(&expected)),
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.starts_with(&path.display().to_string()), "{}", text);
                prop_assert!(
                    matches!(e, Error::Format { .. } | Error::Io { .. }),
                    "damage blamed on the text: {text}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `predict` input.

/// `predict` input, plainly: a final `\n` ends the last line; every line (`\n`-separated,
/// surrounding whitespace and a `\r` ignored) holds 90 or 91 comma-separated finite numbers,
/// all lines as many (the first of 91 a whole year, dropped); an empty line is an error.
fn reference_predict(bytes: &[u8]) -> Result<Vec<Vec<f64>>, (u64, Option<usize>)> {
    let mut rows = Vec::new();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return Ok(rows);
    }
    let mut width = None;
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let line_no = i as u64 + 1;
        if std::str::from_utf8(line).is_ok_and(|s| s.trim().is_empty()) {
            return Err((line_no, None));
        }
        let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
        let skip = match fields.len() {
            90 => 0,
            91 => 1,
            _ => return Err((line_no, None)),
        };
        if *width.get_or_insert(fields.len()) != fields.len() {
            return Err((line_no, None));
        }
        let mut row = Vec::new();
        for (j, f) in fields.iter().enumerate() {
            let v = std::str::from_utf8(f)
                .ok()
                .and_then(|s| s.trim().parse::<f64>().ok());
            match v {
                Some(v) if v.is_finite() && (j >= skip || v.fract() == 0.0) => row.push(v),
                _ => return Err((line_no, Some(j + 1))),
            }
        }
        rows.push(row[skip..].to_vec());
    }
    Ok(rows)
}

fn valid_predict_input(seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows = rng.gen_range(1..=5);
    let fields = if rng.gen_bool(0.5) { 90 } else { FIELDS };
    let lines = valid_lines(&mut rng, rows, fields);
    join(&lines, rng.gen_bool(0.2), rng.gen_bool(0.8))
}

fn check_predict_rows(
    path: &Path,
    got: msd_century::Result<Vec<Vec<f64>>>,
    verdict: &Result<Vec<Vec<f64>>, (u64, Option<usize>)>,
) -> Result<(), TestCaseError> {
    match (verdict, got) {
        (Ok(rows), Ok(got)) => {
            prop_assert_eq!(got.len(), rows.len());
            for (a, b) in got.iter().zip(rows) {
                prop_assert_eq!(common::bits(a), common::bits(b));
            }
        }
        (Err((line, field)), Err(e)) => {
            let text = e.to_string();
            prop_assert!(text.starts_with(&path.display().to_string()), "{}", text);
            match (&e, field) {
                (
                    Error::Parse {
                        line: l, field: f, ..
                    },
                    Some(want),
                ) => {
                    prop_assert_eq!((*l, *f), (*line, *want), "{}", text)
                }
                (Error::Line { line: l, .. }, None) => prop_assert_eq!(*l, *line, "{}", text),
                _ => prop_assert!(false, "expected line {line} field {field:?}, got {text}"),
            }
        }
        (verdict, got) => prop_assert!(
            false,
            "reference {:?}, reader {:?}",
            verdict.as_ref().map(Vec::len),
            got.map(|r| r.len())
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_predict_input_reads_right_or_fails_at_the_right_line(
        seed in any::<u64>(),
        ms in mutations(),
    ) {
        let mut bytes = valid_predict_input(seed);
        prop_assert!(reference_predict(&bytes).is_ok());
        for m in ms {
            mutate(&mut bytes, m);
        }
        let dir = common::temp_dir();
        let path = common::write_file(dir.path(), "rows.txt", &bytes);
        check_predict_rows(&path, predict::read_rows(&path), &reference_predict(&bytes))?;
    }
}

// ---------------------------------------------------------------------------------------------
// `model.json`.

fn valid_model(seed: u64) -> Model {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw =
        |lo: f64, hi: f64| -> Vec<f64> { (0..90).map(|_| rng.gen_range(lo..hi)).collect() };
    let weights = draw(-3.0, 3.0);
    let mean = draw(-100.0, 100.0);
    let std = draw(0.1, 50.0);
    Model::new(
        &Params {
            weights,
            bias: 0.25,
        },
        &Standardizer { mean, std },
        2000,
        Training {
            solver: "newton".into(),
            settings: serde_json::json!({ "l2": 0.0 }),
            seed,
            data: Provenance::Synthetic { rows: 100, seed: 1 },
            software_version: "test".into(),
        },
    )
}

const MODEL_KEYS: [&str; 8] = [
    "format",
    "version",
    "weights",
    "bias",
    "feature_mean",
    "feature_std",
    "year_threshold",
    "training",
];

/// Values to put where a field or an element was.
fn odd_value(k: u32) -> Value {
    let pool = [
        Value::Null,
        serde_json::json!("x"),
        serde_json::json!(0),
        serde_json::json!(-1),
        serde_json::json!(1.5),
        serde_json::json!(2),
        serde_json::json!(1e300),
        serde_json::json!(-1e-320),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(true),
        serde_json::json!(u32::MAX as u64 + 1),
        serde_json::json!(i32::MAX as i64 + 1),
        serde_json::json!(1),
        serde_json::json!("msd-century-model"),
        serde_json::json!(2000),
    ];
    pool[k as usize % pool.len()].clone()
}

/// Mutates a model's JSON: structural changes, then text changes.
fn mutate_model(v: &mut Value, m: Mutation) {
    let (kind, p, a, b) = m;
    let key = MODEL_KEYS[p as usize % MODEL_KEYS.len()];
    let obj = v.as_object_mut().unwrap();
    match kind % 5 {
        0 => {
            obj.remove(key);
        }
        1 => {
            obj.insert(key.into(), odd_value(a));
        }
        2 => {
            let arr = ["weights", "feature_mean", "feature_std"][a as usize % 3];
            if let Some(Value::Array(items)) = obj.get_mut(arr) {
                let len = [0, 1, 89, 91, 180][b as usize % 5];
                items.resize(len, serde_json::json!(0.5));
            }
        }
        3 => {
            let arr = ["weights", "feature_mean", "feature_std"][a as usize % 3];
            if let Some(Value::Array(items)) = obj.get_mut(arr) {
                let i = b as usize % items.len().max(1);
                if i < items.len() {
                    items[i] = odd_value(b / 7);
                }
            }
        }
        _ => {
            let choices = [("version", 0), ("version", 2), ("version", 999)];
            let (k, n) = choices[a as usize % choices.len()];
            obj.insert(k.into(), serde_json::json!(n));
        }
    }
}

/// Text edits: a number replaced by a non-JSON token, truncation, a flipped byte.
fn edit_text(text: &mut Vec<u8>, edits: &[(u8, u32, u32)]) {
    for &(kind, p, a) in edits {
        let len = text.len();
        match kind % 3 {
            0 => {
                let tokens: [&[u8]; 5] = [b"NaN", b"Infinity", b"1e999", b"-1e400", b"nan"];
                // Replace the number that starts after the n-th ": " or ", " or "[".
                let starts: Vec<usize> = (1..len)
                    .filter(|&i| {
                        (text[i].is_ascii_digit() || text[i] == b'-')
                            && matches!(text[i - 1], b' ' | b'[' | b'\n')
                    })
                    .collect();
                if starts.is_empty() {
                    continue;
                }
                let i = starts[p as usize % starts.len()];
                let mut j = i + 1;
                while j < len && matches!(text[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'-' | b'+') {
                    j += 1;
                }
                let token = tokens[a as usize % tokens.len()];
                text.splice(i..j, token.iter().copied());
            }
            1 => text.truncate(p as usize % (len + 1)),
            _ if len > 0 => text[p as usize % len] ^= (a % 255 + 1) as u8,
            _ => {}
        }
    }
}

/// The model file, plainly: what is wrong with it (the field names to blame), or nothing.
fn reference_model(text: &[u8]) -> Result<(), Vec<String>> {
    let Ok(v) = serde_json::from_slice::<Value>(text) else {
        return Err(vec!["line ".into()]);
    };
    let Some(obj) = v.as_object() else {
        return Err(vec!["line ".into()]);
    };
    let mut bad = Vec::new();
    if obj.get("format").and_then(Value::as_str) != Some("msd-century-model") {
        bad.push("format".into());
    }
    if obj.get("version").and_then(Value::as_u64) != Some(1) {
        bad.push("version".into());
    }
    for key in ["weights", "feature_mean", "feature_std"] {
        let ok = obj.get(key).and_then(Value::as_array).is_some_and(|items| {
            items.len() == 90
                && items.iter().all(|x| {
                    x.as_f64()
                        .is_some_and(|x| x.is_finite() && (key != "feature_std" || x > 0.0))
                })
        });
        if !ok {
            bad.push(key.into());
        }
    }
    if !obj
        .get("bias")
        .and_then(Value::as_f64)
        .is_some_and(f64::is_finite)
    {
        bad.push("bias".into());
    }
    let threshold = obj.get("year_threshold").and_then(Value::as_i64);
    if threshold.is_none_or(|t| i32::try_from(t).is_err()) {
        bad.push("year_threshold".into());
    }
    let training = obj.get("training").cloned().unwrap_or(Value::Null);
    if serde_json::from_value::<Training>(training).is_err() {
        bad.push("training".into());
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_model_files_load_right_or_name_what_is_wrong(
        seed in any::<u64>(),
        ms in proptest::collection::vec((0u8..5, any::<u32>(), any::<u32>(), any::<u32>()), 0..3),
        edits in proptest::collection::vec((0u8..3, any::<u32>(), any::<u32>()), 0..2),
    ) {
        let mut v = serde_json::to_value(valid_model(seed)).unwrap();
        for m in ms {
            mutate_model(&mut v, m);
        }
        let mut text = serde_json::to_vec_pretty(&v).unwrap();
        edit_text(&mut text, &edits);
        let dir = common::temp_dir();
        let path = common::write_file(dir.path(), "model.json", &text);
        let verdict = reference_model(&text);
        match (verdict, Model::load(&path)) {
            (Ok(()), Ok(model)) => {
                let v: Value = serde_json::from_slice(&text).unwrap();
                let numbers = |k: &str| -> Vec<u64> {
                    v[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap().to_bits()).collect()
                };
                prop_assert_eq!(common::bits(&model.weights), numbers("weights"));
                prop_assert_eq!(common::bits(&model.feature_mean), numbers("feature_mean"));
                prop_assert_eq!(common::bits(&model.feature_std), numbers("feature_std"));
                prop_assert_eq!(model.bias.to_bits(), v["bias"].as_f64().unwrap().to_bits());
                prop_assert_eq!(i64::from(model.year_threshold), v["year_threshold"].as_i64().unwrap());
            }
            (Err(blame), Err(e)) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with(&path.display().to_string()), "{}", msg);
                let located = msg.contains(" line ") && msg.contains(" column ");
                prop_assert!(
                    located || blame.iter().any(|k| msg.contains(k.as_str())),
                    "reference blames {:?}; message: {}", blame, msg
                );
            }
            (verdict, got) => prop_assert!(false, "reference {:?}, loader {:?}", verdict, got.map(|_| ())),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A saved model loads back bit for bit (JSON numbers are read with correct rounding).
    #[test]
    fn saved_models_load_back_bit_for_bit(seed in any::<u64>(), scale in -300i32..300) {
        let mut model = valid_model(seed);
        let factor = 10f64.powi(scale);
        for w in &mut model.weights {
            *w *= factor;
        }
        let dir = common::temp_dir();
        let path = dir.path().join("model.json");
        model.save(&path).unwrap();
        let back = Model::load(&path).unwrap();
        prop_assert_eq!(common::bits(&back.weights), common::bits(&model.weights));
        prop_assert_eq!(common::bits(&back.feature_mean), common::bits(&model.feature_mean));
        prop_assert_eq!(common::bits(&back.feature_std), common::bits(&model.feature_std));
        prop_assert_eq!(back.bias.to_bits(), model.bias.to_bits());
    }
}

// ---------------------------------------------------------------------------------------------
// Through the command line: exit code, one error line, no panic.

/// Stderr of a failed command: exactly one `error:` line (notes aside), no panic.
fn one_error_line(out: &std::process::Output) -> Result<String, TestCaseError> {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    prop_assert_eq!(out.status.code(), Some(1), "{}", stderr);
    prop_assert!(!stderr.contains("panicked"), "{}", stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .collect();
    prop_assert_eq!(lines.len(), 1, "{}", stderr);
    prop_assert!(lines[0].starts_with("error: "), "{}", stderr);
    Ok(lines[0].to_string())
}

fn location(line: u64, field: Option<usize>) -> String {
    match field {
        Some(f) => format!(": line {line}, field {f}: "),
        None => format!(": line {line}: "),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// `data inspect` on mutated files of 40 rows.
    #[test]
    fn inspect_refuses_with_one_located_line(seed in any::<u64>(), ms in mutations()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut bytes = join(&valid_lines(&mut rng, 40, FIELDS), false, true);
        for m in ms {
            mutate(&mut bytes, m);
        }
        let dir = common::temp_dir();
        let path = common::write_file(dir.path(), "m.txt", &bytes);
        let out = common::cli()
            .args(["data", "inspect", "--json", "--no-cache", "--data"])
            .arg(&path)
            .output()
            .unwrap();
        match reference_uci(&bytes) {
            Verdict::Rows(values) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                prop_assert!(!stderr.contains("panicked"), "{}", stderr);
                if out.status.success() {
                    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                    prop_assert_eq!(v["rows"].as_u64(), Some((values.len() / FIELDS) as u64));
                } else {
                    // Parsed, but refused later (e.g. a feature without variance): the same
                    // error as the library's, on one line.
                    let line = one_error_line(&out)?;
                    let options = msd_century::data::DataOptions {
                        source: msd_century::data::DataSource::File(path.clone()),
                        split: Default::default(),
                        use_cache: false,
                        synthetic_cache: None,
                    };
                    let err = msd_century::data::load_splits(&options, &Silent).unwrap_err();
                    match err {
                        // A setting is named by its flag on the command line.
                        Error::InvalidSetting { value, requirement, .. } => {
                            let tail = format!(" {value}: {requirement}");
                            prop_assert!(line.starts_with("error: --"), "{}", line);
                            prop_assert!(line.ends_with(&tail), "{} vs {}", line, tail);
                        }
                        err => prop_assert_eq!(line, format!("error: {err}")),
                    }
                }
            }
            Verdict::Bad { line, field } => {
                let msg = one_error_line(&out)?;
                prop_assert!(out.stdout.is_empty());
                let want = format!("error: {}{}", path.display(), location(line, field));
                prop_assert!(msg.starts_with(&want), "{} does not start with {}", msg, want);
            }
            Verdict::Empty => {
                let msg = one_error_line(&out)?;
                prop_assert!(msg.contains("no data rows"), "{}", msg);
            }
        }
    }

    /// `predict` on mutated rows.
    #[test]
    fn predict_refuses_with_one_located_line(seed in any::<u64>(), ms in mutations()) {
        let dir = common::temp_dir();
        let model_path = dir.path().join("model.json");
        let model = valid_model(seed);
        model.save(&model_path).unwrap();
        let mut bytes = valid_predict_input(seed);
        for m in ms {
            mutate(&mut bytes, m);
        }
        let input = common::write_file(dir.path(), "rows.txt", &bytes);
        let out = common::cli()
            .args(["predict", "--model"])
            .arg(&model_path)
            .arg("--input")
            .arg(&input)
            .output()
            .unwrap();
        match reference_predict(&bytes) {
            Ok(rows) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                prop_assert!(out.status.success(), "{}", stderr);
                let stdout = String::from_utf8(out.stdout).unwrap();
                let printed: Vec<f64> = stdout.lines().map(|l| l.parse().unwrap()).collect();
                prop_assert_eq!(printed.len(), rows.len());
                for (p, row) in printed.iter().zip(&rows) {
                    prop_assert!((0.0..=1.0).contains(p), "{}", p);
                    prop_assert_eq!(p.to_bits(), model.probability(row).unwrap().to_bits());
                }
            }
            Err((line, field)) => {
                let msg = one_error_line(&out)?;
                prop_assert!(out.stdout.is_empty());
                let want = format!("error: {}{}", input.display(), location(line, field));
                prop_assert!(msg.starts_with(&want), "{} does not start with {}", msg, want);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cases found by the generator, kept as plain examples.

/// A data line whose year was damaged into letters is an error, not a header to skip.
#[test]
fn a_first_line_with_a_damaged_year_is_refused_not_skipped() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut lines = valid_lines(&mut rng, 3, FIELDS);
    lines[0][..4].copy_from_slice(b"2O01");
    let bytes = join(&lines, false, true);
    let err = uci::parse_bytes(&bytes, Path::new("d.txt")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Parse {
                line: 1,
                field: 1,
                ..
            }
        ),
        "{err}"
    );
    // A real header (no numbers in it) is still skipped.
    let header: Vec<String> = (0..FIELDS).map(|j| format!("col{j}")).collect();
    let mut with_header = header.join(",").into_bytes();
    with_header.push(b'\n');
    with_header.extend_from_slice(&join(&lines[1..], false, true));
    let m = uci::parse_bytes(&with_header, Path::new("h.txt")).unwrap();
    assert_eq!(m.rows(), 2);
}

/// A `.zip` whose first bytes are damaged is not read as text without saying so.
#[test]
fn an_archive_with_a_damaged_magic_says_it_is_not_an_archive() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let text = join(&valid_lines(&mut rng, 4, FIELDS), false, true);
    let mut zip = zip_of(&text, true);
    zip[2] ^= 0x10;
    let dir = common::temp_dir();
    let path = common::write_file(dir.path(), "d.zip", &zip);
    let err = uci::parse_file(&path, &Silent).unwrap_err();
    assert!(
        matches!(err, Error::Format { .. }) && err.to_string().contains("not a zip archive"),
        "{err}"
    );
}

/// Non-UTF-8 bytes in `predict` input are located by line and field.
#[test]
fn predict_input_with_latin1_bytes_names_line_and_field() {
    let dir = common::temp_dir();
    let mut text = vec!["1.5"; 90].join(",").into_bytes();
    text.extend_from_slice(b"\n1.5,caf\xe9");
    text.extend_from_slice(&b",1.5".repeat(88));
    let path = common::write_file(dir.path(), "rows.txt", &text);
    let err = predict::read_rows(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Parse {
                line: 2,
                field: 2,
                ..
            }
        ),
        "{err}"
    );
}

/// Control bytes from a damaged file never reach the terminal raw: the message stays one line.
#[test]
fn control_bytes_in_a_bad_field_are_not_echoed_raw() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let mut lines = valid_lines(&mut rng, 2, FIELDS);
    lines[1].splice(6..6, b"\x1b[2J\r\x07".iter().copied());
    let err = uci::parse_bytes(&join(&lines, false, true), Path::new("c.txt")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Parse { line: 2, .. }), "{text}");
    assert!(!text.chars().any(char::is_control), "{text:?}");
}
