//! Sentences built from the study's own numbers: every number in a sentence is read from
//! `results.json` (the study's results as JSON) by its JSON pointer, formatted here, and marked
//! in the HTML with that pointer (`<span class="num" data-json="/final_eval/...">`), so that a
//! reader, or a test, can check each quoted number against the file.
//!
//! A sentence is a template whose `{}` holes take the quoted numbers in order; its fixed text
//! holds no digit, so every number a reader sees in it was quoted.

use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// One piece of a sentence: fixed text, or a number quoted from `path`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    text: String,
    /// The JSON pointer of a quoted number; `None` for fixed text.
    path: Option<String>,
}

/// A sentence for the template's `sentence` macro.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    parts: Vec<Part>,
}

/// How a quoted number is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fmt {
    /// Fixed decimals: `0.7254`.
    Dec(usize),
    /// Fixed decimals with a sign: `+0.0137`.
    Signed(usize),
    /// A whole number.
    Int,
    /// The shortest form that reads back to the same value: learning rates, `0.005`, `5`.
    Plain,
    /// A share as a percentage with this many decimals: `95%`.
    Pct(usize),
    /// A p-value: three decimals down to 0.001, scientific below (`0.370`, `3.1e-5`).
    P,
}

impl Fmt {
    fn apply(self, x: f64) -> String {
        match self {
            Fmt::Dec(d) => format!("{x:.d$}"),
            Fmt::Signed(d) => format!("{x:+.d$}"),
            Fmt::Int => format!("{x:.0}"),
            Fmt::Plain => format!("{x}"),
            Fmt::Pct(d) => format!("{:.d$}%", x * 100.0),
            Fmt::P if x >= 1e-3 => format!("{x:.3}"),
            Fmt::P => format!("{x:.1e}"),
        }
    }
}

/// Reads the numbers and flags of sentences from the study's results as JSON.
pub struct Quote<'a> {
    json: &'a Value,
}

impl<'a> Quote<'a> {
    pub fn new(json: &'a Value) -> Self {
        Quote { json }
    }

    fn missing(path: &str, what: &str) -> Error {
        Error::format("report sentences", format!("{path} is not {what}"))
    }

    /// The value at `path`, which must exist.
    pub fn value(&self, path: &str) -> Result<&'a Value> {
        self.json
            .pointer(path)
            .ok_or_else(|| Self::missing(path, "in the results"))
    }

    /// The number at `path`, for a decision (not quoted).
    pub fn f64(&self, path: &str) -> Result<f64> {
        self.value(path)?
            .as_f64()
            .ok_or_else(|| Self::missing(path, "a number"))
    }

    /// The flag at `path`.
    pub fn flag(&self, path: &str) -> Result<bool> {
        self.value(path)?
            .as_bool()
            .ok_or_else(|| Self::missing(path, "a flag"))
    }

    /// The text at `path`.
    pub fn text(&self, path: &str) -> Result<&'a str> {
        self.value(path)?
            .as_str()
            .ok_or_else(|| Self::missing(path, "text"))
    }

    /// Whether `path` holds a value other than null.
    pub fn present(&self, path: &str) -> bool {
        self.json.pointer(path).is_some_and(|v| !v.is_null())
    }

    /// The number of items of the list at `path`.
    pub fn len(&self, path: &str) -> Result<usize> {
        self.value(path)?
            .as_array()
            .map(Vec::len)
            .ok_or_else(|| Self::missing(path, "a list"))
    }

    /// The number at `path`, quoted in `fmt`.
    pub fn num(&self, path: &str, fmt: Fmt) -> Result<Part> {
        let x = self.f64(path)?;
        if !x.is_finite() {
            return Err(Self::missing(path, "a finite number"));
        }
        Ok(Part {
            text: fmt.apply(x),
            path: Some(path.to_string()),
        })
    }
}

/// The sentence `template` with its `{}` holes filled by `numbers`, in order. The fixed text may
/// hold no digit: a number must be quoted.
pub fn sentence(template: &str, numbers: Vec<Part>) -> Result<Sentence> {
    let pieces: Vec<&str> = template.split("{}").collect();
    if pieces.len() != numbers.len() + 1 {
        return Err(Error::format(
            "report sentences",
            format!(
                "{template:?} has {} holes for {} numbers",
                pieces.len() - 1,
                numbers.len()
            ),
        ));
    }
    if template.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::format(
            "report sentences",
            format!("{template:?} writes a number that is not quoted"),
        ));
    }
    let mut parts = Vec::with_capacity(2 * pieces.len());
    let mut numbers = numbers.into_iter();
    for (k, piece) in pieces.iter().enumerate() {
        if !piece.is_empty() {
            parts.push(Part {
                text: piece.to_string(),
                path: None,
            });
        }
        if k + 1 < pieces.len() {
            parts.extend(numbers.next());
        }
    }
    Ok(Sentence { parts })
}

/// "beyond noise" or "within noise", as the flag decides.
pub fn noise(beyond: bool) -> &'static str {
    if beyond {
        "beyond noise"
    } else {
        "within noise"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_quoted_by_path_and_formatted() {
        let json = json!({ "a": { "p": 0.000312, "x": [0.72834, 5.0] }, "ok": true, "n": 51630 });
        let q = Quote::new(&json);
        let s = sentence(
            "accuracy {} (p = {}), rate {}, rows {}, {} held",
            vec![
                q.num("/a/x/0", Fmt::Dec(4)).unwrap(),
                q.num("/a/p", Fmt::P).unwrap(),
                q.num("/a/x/1", Fmt::Plain).unwrap(),
                q.num("/n", Fmt::Int).unwrap(),
                q.num("/a/x/0", Fmt::Pct(0)).unwrap(),
            ],
        )
        .unwrap();
        let texts: Vec<&str> = s.parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "accuracy ",
                "0.7283",
                " (p = ",
                "3.1e-4",
                "), rate ",
                "5",
                ", rows ",
                "51630",
                ", ",
                "73%",
                " held"
            ]
        );
        assert_eq!(s.parts[1].path.as_deref(), Some("/a/x/0"));
        assert!(q.flag("/ok").unwrap());
        assert!(q.num("/a/missing", Fmt::Int).is_err());
        assert!(sentence("{} and {}", vec![q.num("/n", Fmt::Int).unwrap()]).is_err());
        assert!(
            sentence("in 2000", vec![]).is_err(),
            "digits must be quoted"
        );
        assert_eq!(Fmt::Signed(3).apply(0.01234), "+0.012");
        assert_eq!(
            (Fmt::P.apply(0.37), Fmt::P.apply(3.14e-5)),
            ("0.370".into(), "3.1e-5".into())
        );
    }
}
