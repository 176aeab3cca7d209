//! The UCI loader: every bad input is refused with the file, line and field named; every good
//! form (CRLF, no final newline, header, zip, gzip) gives exactly what `str::parse` gives.

use crate::common;
use msd_century::Silent;

use msd_century::data::uci;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::{Path, PathBuf};

const FIELDS: usize = 91;

/// `rows` lines of UCI text (LF endings) with varied decimals, seeded.
fn lines(rows: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..rows)
        .map(|_| {
            let mut fields = vec![rng.gen_range(1922..=2011).to_string()];
            for j in 1..FIELDS {
                let v: f64 = rng.gen_range(-2000.0..2000.0) / (1 + j % 7) as f64;
                fields.push(match j % 5 {
                    0 => format!("{v:.5}"),
                    1 => format!("{v:.1}"),
                    2 => format!("{}", v.round() as i64),
                    3 => format!("{v:e}"),
                    _ => format!("{v}"),
                });
            }
            fields.join(",")
        })
        .collect()
}

/// The values of `lines` as `str::parse::<f64>` reads them, row after row.
fn reference(lines: &[String]) -> Vec<f64> {
    lines
        .iter()
        .flat_map(|l| l.split(',').map(|f| f.parse::<f64>().expect("test data")))
        .collect()
}

fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            zip.add_directory(name.trim_end_matches('/'), options)
                .expect("zip dir");
        } else {
            zip.start_file(*name, options).expect("zip entry");
            zip.write_all(data).expect("zip write");
        }
    }
    zip.finish().expect("zip finish").into_inner()
}

fn gz_bytes(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gz write");
    enc.finish().expect("gz finish")
}

/// Runs `data inspect` on `path`; asserts failure without a panic and returns stderr.
fn inspect_fails(path: &Path) -> String {
    let out = common::cli()
        .args(["data", "inspect", "--no-cache", "--data"])
        .arg(path)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{} was accepted", path.display());
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        stderr.contains(&path.display().to_string()),
        "message does not name {}: {stderr}",
        path.display()
    );
    stderr
}

/// A good file of 20 rows with line `at` (1-based) replaced by `bad`.
fn with_bad_line(dir: &Path, name: &str, at: usize, bad: impl Fn(&str) -> Vec<u8>) -> PathBuf {
    let rows = lines(20, 7);
    let mut bytes = Vec::new();
    for (i, l) in rows.iter().enumerate() {
        if i + 1 == at {
            bytes.extend(bad(l));
        } else {
            bytes.extend_from_slice(l.as_bytes());
        }
        bytes.push(b'\n');
    }
    common::write_file(dir, name, bytes)
}

/// `line` with field `field` (1-based) replaced by `value`.
fn replace_field(line: &str, field: usize, value: &[u8]) -> Vec<u8> {
    let mut parts: Vec<Vec<u8>> = line.split(',').map(|f| f.as_bytes().to_vec()).collect();
    parts[field - 1] = value.to_vec();
    parts.join(&b","[..])
}

#[test]
fn bad_fields_are_named_by_line_and_field() {
    let dir = common::temp_dir();
    let cases: &[(&str, usize, usize, &[u8], &str)] = &[
        ("nan.txt", 2, 5, b"nan", "not a finite number: 'nan'"),
        ("inf.txt", 3, 91, b"inf", "not a finite number: 'inf'"),
        ("neginf.txt", 4, 2, b"-inf", "not a finite number"),
        ("huge.txt", 5, 10, b"1e999", "not a finite number: '1e999'"),
        ("empty-field.txt", 6, 30, b"", "empty field"),
        ("abc.txt", 7, 12, b"abc", "not a number: 'abc'"),
        ("space.txt", 8, 13, b" 1.5", "not a number: ' 1.5'"),
        ("utf8.txt", 9, 7, b"1\xff5", "not UTF-8"),
        ("half-year.txt", 10, 1, b"2001.5", "whole number: '2001.5'"),
        ("two-points.txt", 11, 40, b"1.2.3", "not a number: '1.2.3'"),
        ("cr-inside.txt", 12, 50, b"1\r2", "not a number"),
    ];
    for &(name, line, field, value, message) in cases {
        let path = with_bad_line(dir.path(), name, line, |l| replace_field(l, field, value));
        let stderr = inspect_fails(&path);
        let place = format!("line {line}, field {field}:");
        assert!(stderr.contains(&place), "{name}: no '{place}' in {stderr}");
        assert!(
            stderr.contains(message),
            "{name}: no '{message}' in {stderr}"
        );
    }
}

#[test]
fn a_long_bad_field_is_cut_short_in_the_message() {
    let dir = common::temp_dir();
    let long = "x".repeat(5000);
    let path = with_bad_line(dir.path(), "long.txt", 2, |l| {
        replace_field(l, 3, long.as_bytes())
    });
    let stderr = inspect_fails(&path);
    assert!(stderr.contains("line 2, field 3"), "{stderr}");
    assert!(
        stderr.len() < 1000,
        "message not shortened: {} bytes",
        stderr.len()
    );
}

#[test]
fn wrong_field_counts_and_blank_lines_are_named_by_line() {
    let dir = common::temp_dir();
    let short = with_bad_line(dir.path(), "short.txt", 3, |l| {
        l.rsplit_once(',').unwrap().0.as_bytes().to_vec()
    });
    let stderr = inspect_fails(&short);
    assert!(
        stderr.contains("line 3: expected 91 fields, found 90"),
        "{stderr}"
    );

    let long = with_bad_line(dir.path(), "long.txt", 4, |l| {
        format!("{l},1.0").into_bytes()
    });
    let stderr = inspect_fails(&long);
    assert!(
        stderr.contains("line 4: expected 91 fields, found 92"),
        "{stderr}"
    );

    let blank = with_bad_line(dir.path(), "blank.txt", 5, |_| Vec::new());
    let stderr = inspect_fails(&blank);
    assert!(stderr.contains("line 5: empty line"), "{stderr}");

    let crlf_blank = with_bad_line(dir.path(), "crlf-blank.txt", 6, |_| b"\r".to_vec());
    let stderr = inspect_fails(&crlf_blank);
    assert!(stderr.contains("line 6: empty line"), "{stderr}");
}

#[test]
fn empty_files_missing_files_and_directories_are_refused() {
    let dir = common::temp_dir();
    let empty = common::write_file(dir.path(), "empty.txt", "");
    assert!(inspect_fails(&empty).contains("no data rows"));
    let header = common::write_file(dir.path(), "header.txt", "year,var1,var2\n");
    assert!(inspect_fails(&header).contains("no data rows"));
    let blanks = common::write_file(dir.path(), "blanks.txt", "\n\n\n");
    assert!(inspect_fails(&blanks).contains("no data rows"));
    let missing = dir.path().join("missing.txt");
    assert!(inspect_fails(&missing).contains("No such file"));
    let sub = dir.path().join("a-directory");
    std::fs::create_dir(&sub).unwrap();
    assert!(inspect_fails(&sub).contains("directory"));
    let err = uci::parse_file(&missing, &Silent).unwrap_err();
    assert!(matches!(err, msd_century::Error::Io { .. }), "{err:?}");
}

#[test]
fn damaged_archives_are_refused() {
    let dir = common::temp_dir();
    let body = text(&lines(20, 3)).into_bytes();
    let good_zip = zip_bytes(&[("data.txt", &body)]);

    let no_text = common::write_file(
        dir.path(),
        "no-text.zip",
        zip_bytes(&[("folder/", b""), ("readme.md", b"hello")]),
    );
    let stderr = inspect_fails(&no_text);
    assert!(stderr.contains("no .txt or .csv file"), "{stderr}");

    let empty_zip = common::write_file(dir.path(), "empty.zip", zip_bytes(&[]));
    let stderr = inspect_fails(&empty_zip);
    assert!(stderr.contains("holds: nothing"), "{stderr}");

    let truncated =
        common::write_file(dir.path(), "truncated.zip", &good_zip[..good_zip.len() / 2]);
    let stderr = inspect_fails(&truncated);
    assert!(stderr.contains("not a readable zip archive"), "{stderr}");

    // Flip bytes in the middle of the compressed data (after the local header, before the
    // central directory): the inflater or the CRC check must catch it.
    let mut corrupt = good_zip.clone();
    let mid = 60 + (corrupt.len() - 200) / 2;
    for b in &mut corrupt[mid..mid + 8] {
        *b ^= 0x5a;
    }
    let corrupt = common::write_file(dir.path(), "corrupt.zip", corrupt);
    let stderr = inspect_fails(&corrupt);
    assert!(stderr.contains("corrupt or truncated zip data"), "{stderr}");

    let gz = gz_bytes(&body);
    let truncated_gz = common::write_file(dir.path(), "truncated.gz", &gz[..gz.len() * 2 / 3]);
    let stderr = inspect_fails(&truncated_gz);
    assert!(
        stderr.contains("corrupt or truncated gzip data"),
        "{stderr}"
    );

    let mut bad_gz = gz.clone();
    let mid = bad_gz.len() / 2;
    for b in &mut bad_gz[mid..mid + 8] {
        *b ^= 0x5a;
    }
    let bad_gz = common::write_file(dir.path(), "corrupt.gz", bad_gz);
    let stderr = inspect_fails(&bad_gz);
    assert!(
        stderr.contains("corrupt or truncated gzip data"),
        "{stderr}"
    );

    let bad_crc_gz = {
        let mut g = gz.clone();
        let n = g.len();
        g[n - 8] ^= 1; // the CRC32 in the gzip trailer
        common::write_file(dir.path(), "bad-crc.gz", g)
    };
    inspect_fails(&bad_crc_gz);
}

#[test]
fn every_good_form_gives_the_plain_values() {
    let dir = common::temp_dir();
    let rows = lines(50, 11);
    let expected = common::bits(&reference(&rows));
    let plain = text(&rows);
    let crlf: String = rows.iter().map(|l| format!("{l}\r\n")).collect();
    let no_final = plain.trim_end_matches('\n').to_string();
    let header = format!(
        "year,{}\n{plain}",
        (1..FIELDS)
            .map(|j| format!("var{j}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let trailing_blank = format!("{plain}\n\r\n\n");
    let bom = format!("\u{feff}{plain}");
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("plain.txt", plain.clone().into_bytes()),
        ("crlf.txt", crlf.clone().into_bytes()),
        (
            "crlf-no-final.txt",
            crlf.trim_end_matches("\r\n").as_bytes().to_vec(),
        ),
        ("no-final.txt", no_final.into_bytes()),
        ("header.csv", header.into_bytes()),
        ("trailing-blank.txt", trailing_blank.into_bytes()),
        ("bom.txt", bom.into_bytes()),
        (
            "data.zip",
            zip_bytes(&[
                ("__MACOSX/x.txt", b"junk"),
                ("inner/data.txt", plain.as_bytes()),
            ]),
        ),
        ("data.gz", gz_bytes(plain.as_bytes())),
        // The kind comes from the bytes, not the name.
        (
            "zip-named.txt",
            zip_bytes(&[("data.csv", plain.as_bytes())]),
        ),
        ("gz-named.txt", gz_bytes(plain.as_bytes())),
    ];
    for (name, bytes) in variants {
        let path = common::write_file(dir.path(), name, bytes);
        let m = uci::parse_file(&path, &Silent).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((m.rows(), m.cols()), (50, FIELDS), "{name}");
        assert_eq!(common::bits(m.as_slice()), expected, "{name}");
        let out = common::cli()
            .args(["data", "inspect", "--no-cache", "--json", "--data"])
            .arg(&path)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {stderr}");
        if name == "header.csv" {
            assert!(stderr.contains("line 1 is a header"), "{stderr}");
        }
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(json["rows"], 50, "{name}");
    }
}

#[test]
fn several_blocks_keep_line_numbers_and_values() {
    // About 13 MB: more than one 8 MiB block and many parallel pieces.
    let rows = lines(16_000, 5);
    let expected = common::bits(&reference(&rows));
    let mut bytes = text(&rows).into_bytes();
    let m = uci::parse_bytes(&bytes, Path::new("big.txt")).expect("parse");
    assert_eq!(m.rows(), 16_000);
    assert!(common::bits(m.as_slice()) == expected, "values differ");

    // An error near the end, after the first block: the line number still counts from the top.
    let line = 15_321;
    let start: usize = rows[..line - 1].iter().map(|l| l.len() + 1).sum();
    let comma = start + rows[line - 1].find(',').unwrap();
    bytes[comma + 1] = b'x';
    let err = uci::parse_bytes(&bytes, Path::new("big.txt"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("big.txt: line {line}, field 2: not a number")),
        "{err}"
    );

    // The same answer with one thread or two.
    let dir = common::temp_dir();
    let path = common::write_file(dir.path(), "big.txt", text(&rows));
    let run = |threads: &str| {
        let out = common::cli()
            .env("RAYON_NUM_THREADS", threads)
            .args(["data", "inspect", "--no-cache", "--json", "--data"])
            .arg(&path)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn an_overlong_line_is_refused_without_reading_it_all() {
    let mut bytes = vec![b'1'; 9 << 20];
    bytes.push(b'\n');
    let err = uci::parse_bytes(&bytes, Path::new("long.txt"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1"), "{err}");
}

/// A random decimal string: sign, 1 to 25 digits, a point anywhere (or none), maybe an exponent.
fn random_decimal(rng: &mut ChaCha8Rng) -> String {
    let digits: String = (0..rng.gen_range(1..=25))
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    let mut s = String::new();
    if rng.gen_bool(0.4) {
        s.push('-');
    }
    let point = rng.gen_range(0..=digits.len());
    if rng.gen_bool(0.8) && point > 0 {
        s.push_str(&digits[..point]);
        s.push('.');
        s.push_str(&digits[point..]);
    } else {
        s.push_str(&digits);
    }
    if rng.gen_bool(0.2) {
        s.push_str(&format!("e{}", rng.gen_range(-320..=310)));
    }
    s
}

#[test]
fn numbers_agree_with_std_bit_for_bit() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut fast_hits = 0;
    for _ in 0..300_000 {
        let s = random_decimal(&mut rng);
        let std = s.parse::<f64>().expect("valid decimal");
        let ours = uci::parse_field(s.as_bytes()).expect("parsed");
        assert_eq!(ours.to_bits(), std.to_bits(), "{s}");
        if uci::parse_plain_prefix(s.as_bytes()).is_some() {
            fast_hits += 1;
        }
    }
    // The fast path must really be exercised, not only the fallback.
    assert!(fast_hits > 50_000, "{fast_hits}");

    // Five-decimal values like the real file, through whole lines.
    let rows: Vec<String> = (0..200)
        .map(|_| {
            let mut f = vec![rng.gen_range(1922..=2011).to_string()];
            f.extend((1..FIELDS).map(|_| random_decimal(&mut rng).replace('e', "E")));
            f.join(",")
        })
        .collect();
    let rows: Vec<String> = rows
        .into_iter()
        .filter(|l| l.split(',').all(|f| f.parse::<f64>().unwrap().is_finite()))
        .collect();
    let m = uci::parse_bytes(text(&rows).as_bytes(), Path::new("t")).expect("parse");
    assert!(common::bits(m.as_slice()) == common::bits(&reference(&rows)));
}
