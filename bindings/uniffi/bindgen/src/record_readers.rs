//! Straight-line readers for the records of the generated Python.
//!
//! uniffi lifts a record by calling one converter (or, once inlined, one stream method) per
//! field, and each of those calls costs more than reading the value: a page of 25 media is 175
//! fields, which took most of the time of lifting it. Here a record whose `read` is the plain
//! shape uniffi generates gets a `read` that keeps the buffer and the offset in local variables
//! and reads its String, Optional<String> and Optional<u64> fields in place; any other field
//! still goes through its converter, with the stream's offset handed over and taken back. The
//! errors are the ones the stream raises (`InternalError`), and the offset is checked against
//! the buffer's length before it is stored, as the stream does at every read.
//!
//! A record in any other shape is left as generated: the readers are an optimisation, never a
//! requirement, and a uniffi upgrade that changes the shape only makes lifting slower.

/// How one field is read.
#[derive(Debug, PartialEq)]
enum Field<'a> {
    /// `buf.read_str()`.
    Str,
    /// `buf.read_opt_str()`.
    OptStr,
    /// `buf.read_opt_u64()`.
    OptU64,
    /// Any converter call reading from `buf`, e.g. `_UniffiConverterBool.read(buf)`.
    Converter(&'a str),
}

impl<'a> Field<'a> {
    fn parse(expression: &'a str) -> Option<Self> {
        Some(match expression {
            "buf.read_str()" => Self::Str,
            "buf.read_opt_str()" => Self::OptStr,
            "buf.read_opt_u64()" => Self::OptU64,
            call if call.starts_with("_UniffiConverter")
                && call.ends_with(".read(buf)")
                && is_identifier(&call[..call.len() - ".read(buf)".len()]) =>
            {
                Self::Converter(call)
            }
            _ => return None,
        })
    }

    /// The lines that read the field into `v_{name}`, indented from the reader's `try:`.
    fn lines(&self, name: &str) -> Vec<String> {
        let string = |length_at: &str, skip: usize| {
            vec![
                format!("_n = _UNIFFI_I32(_d, {length_at})[0]"),
                "if _n < 0:".to_owned(),
                "    raise InternalError(\"Unexpected negative string length\")".to_owned(),
                format!("_o += {skip}"),
                format!("v_{name} = _d[_o:_o + _n].decode(\"utf-8\")"),
                "_o += _n".to_owned(),
            ]
        };
        let optional = |some: Vec<String>| {
            let mut lines = vec!["_f = _d[_o]".to_owned(), "if _f == 1:".to_owned()];
            lines.extend(some.into_iter().map(|line| format!("    {line}")));
            lines.extend([
                "elif _f == 0:".to_owned(),
                format!("    v_{name} = None"),
                "    _o += 1".to_owned(),
                "else:".to_owned(),
                "    raise InternalError(\"Unexpected flag byte for optional type\")".to_owned(),
            ]);
            lines
        };
        match self {
            Self::Str => string("_o", 4),
            Self::OptStr => optional(string("_o + 1", 5)),
            Self::OptU64 => optional(vec![
                format!("v_{name} = _UNIFFI_U64(_d, _o + 1)[0]"),
                "_o += 9".to_owned(),
            ]),
            Self::Converter(call) => vec![
                "buf.offset = _o".to_owned(),
                format!("v_{name} = {call}"),
                "_o = buf.offset".to_owned(),
            ],
        }
    }
}

/// `source` with the `read` of every record in uniffi's plain shape made straight-line.
pub fn straight_line(source: &str) -> String {
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    let mut at = 0;
    while at < lines.len() {
        match RecordRead::parse(&lines[at..]) {
            Some(read) => {
                out.push_str(&read.straight_line());
                at += read.lines;
            }
            None => {
                out.push_str(lines[at]);
                at += 1;
            }
        }
    }
    out
}

/// A record converter's `read`, as uniffi generated it.
struct RecordRead<'a> {
    /// The record's class.
    record: &'a str,
    /// Its fields, in the order they are read.
    fields: Vec<(&'a str, Field<'a>)>,
    /// The lines the method spans.
    lines: usize,
}

impl<'a> RecordRead<'a> {
    /// A record's `read` at the start of `lines`, in the shape uniffi 0.29 generates (after the
    /// converters were inlined):
    ///
    /// ```text
    ///     @staticmethod
    ///     def read(buf):
    ///         return Media(
    ///             id=buf.read_str(),
    ///             like_count=buf.read_opt_u64(),
    ///         )
    /// ```
    ///
    /// `None` when the lines are anything else, or when no field would be read in place.
    fn parse(lines: &[&'a str]) -> Option<Self> {
        let [first, second, third, rest @ ..] = lines else {
            return None;
        };
        if *first != "    @staticmethod\n" || *second != "    def read(buf):\n" {
            return None;
        }
        let record = third
            .strip_prefix("        return ")?
            .strip_suffix("(\n")
            .filter(|name| is_identifier(name))?;
        let mut fields = Vec::new();
        for line in rest {
            if *line == "        )\n" {
                let in_place = fields
                    .iter()
                    .any(|(_, field)| !matches!(field, Field::Converter(_)));
                let lines = 3 + fields.len() + 1;
                return in_place.then_some(Self {
                    record,
                    fields,
                    lines,
                });
            }
            let (name, expression) = line
                .strip_prefix("            ")?
                .strip_suffix(",\n")?
                .split_once('=')?;
            if !is_identifier(name) || name.starts_with('_') {
                return None;
            }
            fields.push((name, Field::parse(expression)?));
        }
        None
    }

    /// The straight-line `read`.
    fn straight_line(&self) -> String {
        let mut out = String::from(
            "    @staticmethod\n    def read(buf):\n        \
             # instagraph: read in place (bindgen/src/record_readers.rs).\n        \
             _d = buf.data\n        _o = buf.offset\n        try:\n",
        );
        for (name, field) in &self.fields {
            for line in field.lines(name) {
                out.push_str("            ");
                out.push_str(&line);
                out.push('\n');
            }
        }
        out.push_str(
            "        except (IndexError, struct.error):\n            \
             raise InternalError(\"read past end of rust buffer\") from None\n        \
             if _o > buf.len:\n            raise InternalError(\"read past end of rust buffer\")\n        \
             buf.offset = _o\n",
        );
        let arguments: Vec<String> = self
            .fields
            .iter()
            .map(|(name, _)| format!("{name}=v_{name}"))
            .collect();
        out.push_str(&format!(
            "        return {}({})\n",
            self.record,
            arguments.join(", ")
        ));
        out
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = "class _UniffiConverterTypeMedia(_UniffiConverterRustBuffer):\n    @staticmethod\n    def read(buf):\n        return Media(\n            id=buf.read_str(),\n            caption=buf.read_opt_str(),\n            likes=buf.read_opt_u64(),\n            liked=_UniffiConverterBool.read(buf),\n        )\n\n    @staticmethod\n    def check_lower(value):\n        pass\n";

    #[test]
    fn a_plain_record_is_read_in_place() {
        let out = straight_line(PLAIN);
        assert!(out.starts_with(
            "class _UniffiConverterTypeMedia(_UniffiConverterRustBuffer):\n    @staticmethod\n    def read(buf):\n        # instagraph"
        ));
        assert!(
            out.contains("            v_id = _d[_o:_o + _n].decode(\"utf-8\")\n"),
            "{out}"
        );
        assert!(
            out.contains("                v_likes = _UNIFFI_U64(_d, _o + 1)[0]\n"),
            "{out}"
        );
        assert!(out.contains(
            "            buf.offset = _o\n            v_liked = _UniffiConverterBool.read(buf)\n            _o = buf.offset\n"
        ));
        assert!(out.contains(
            "        return Media(id=v_id, caption=v_caption, likes=v_likes, liked=v_liked)\n\n    @staticmethod\n    def check_lower(value):\n"
        ));
        assert!(!out.contains("buf.read_str()"));
    }

    #[test]
    fn anything_else_is_left_as_generated() {
        for changed in [
            // Only converters: nothing would be read in place.
            PLAIN
                .replace("buf.read_str()", "_UniffiConverterString.read(buf)")
                .replace(
                    "buf.read_opt_str()",
                    "_UniffiConverterOptionalString.read(buf)",
                )
                .replace(
                    "buf.read_opt_u64()",
                    "_UniffiConverterOptionalUInt64.read(buf)",
                ),
            // An expression it does not know.
            PLAIN.replace("buf.read_opt_u64()", "buf.read_u64() + 1"),
            // A field whose name could clash with the reader's locals.
            PLAIN.replace("caption=", "_d="),
            // Another shape of `read`.
            PLAIN.replace(
                "    @staticmethod\n    def read(buf)",
                "    @classmethod\n    def read(cls, buf)",
            ),
            // Never closed.
            PLAIN.replace("        )\n", ""),
        ] {
            assert_eq!(straight_line(&changed), changed);
        }
    }
}
