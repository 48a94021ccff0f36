//! The `fields` parameter: `id,name,children.limit(5){id,media_url},owner{id}`.

use super::error::{GraphError, GraphResult};

/// One requested field, with its `.modifier(arg)` calls and nested selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    pub name: String,
    pub modifiers: Vec<(String, String)>,
    pub sub: Option<Vec<Field>>,
}

impl Field {
    pub fn plain(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            modifiers: Vec::new(),
            sub: None,
        }
    }

    pub fn modifier(&self, name: &str) -> Option<&str> {
        self.modifiers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a fields expression. Modifiers like `.limit(n)` are kept for callers that care and
/// otherwise ignored, as Meta ignores those that make no sense for an edge.
pub(crate) fn parse(input: &str) -> GraphResult<Vec<Field>> {
    let chars: Vec<char> = input.chars().collect();
    let mut pos = 0;
    let fields = parse_list(&chars, &mut pos, input)?;
    if pos != chars.len() {
        return Err(syntax(input, pos, "end of string"));
    }
    Ok(fields)
}

/// Parses `fields` or falls back to `default` (comma-separated) when absent or empty.
pub(crate) fn parse_or(input: Option<&str>, default: &str) -> GraphResult<Vec<Field>> {
    match input {
        Some(s) if !s.trim().is_empty() => parse(s),
        _ => parse(default),
    }
}

fn syntax(input: &str, pos: usize, expected: &str) -> GraphError {
    GraphError::invalid_param(format!(
        "Syntax error \"Expected {expected}\" at character {pos}: {input}"
    ))
}

fn parse_list(chars: &[char], pos: &mut usize, input: &str) -> GraphResult<Vec<Field>> {
    let mut out = Vec::new();
    loop {
        skip_ws(chars, pos);
        if *pos >= chars.len() || chars[*pos] == '}' {
            break;
        }
        if chars[*pos] == ',' {
            // Tolerate stray and trailing commas, as Meta does.
            *pos += 1;
            continue;
        }
        out.push(parse_field(chars, pos, input)?);
        skip_ws(chars, pos);
        if *pos < chars.len() && chars[*pos] == ',' {
            *pos += 1;
        } else {
            break;
        }
    }
    Ok(out)
}

fn parse_field(chars: &[char], pos: &mut usize, input: &str) -> GraphResult<Field> {
    let name = ident(chars, pos);
    if name.is_empty() {
        return Err(syntax(input, *pos, "field name"));
    }
    let mut field = Field {
        name,
        modifiers: Vec::new(),
        sub: None,
    };
    loop {
        skip_ws(chars, pos);
        match chars.get(*pos) {
            Some('.') => {
                *pos += 1;
                let m = ident(chars, pos);
                if m.is_empty() || chars.get(*pos) != Some(&'(') {
                    return Err(syntax(input, *pos, "modifier call"));
                }
                *pos += 1;
                let start = *pos;
                while *pos < chars.len() && chars[*pos] != ')' {
                    *pos += 1;
                }
                if *pos >= chars.len() {
                    return Err(syntax(input, *pos, "\")\""));
                }
                let arg: String = chars[start..*pos].iter().collect();
                *pos += 1;
                field.modifiers.push((m, arg.trim().to_owned()));
            }
            Some('{') => {
                *pos += 1;
                let sub = parse_list(chars, pos, input)?;
                skip_ws(chars, pos);
                if chars.get(*pos) != Some(&'}') {
                    return Err(syntax(input, *pos, "\"}\""));
                }
                *pos += 1;
                field.sub = Some(sub);
            }
            _ => break,
        }
    }
    Ok(field)
}

fn ident(chars: &[char], pos: &mut usize) -> String {
    let start = *pos;
    while *pos < chars.len() && (chars[*pos].is_ascii_alphanumeric() || chars[*pos] == '_') {
        *pos += 1;
    }
    chars[start..*pos].iter().collect()
}

fn skip_ws(chars: &[char], pos: &mut usize) {
    while *pos < chars.len() && chars[*pos].is_whitespace() {
        *pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_modifiers() {
        let f = parse("id,children.limit(5){id,media_url},owner{id}").unwrap_or_default();
        assert_eq!(f.len(), 3);
        assert_eq!(f[1].name, "children");
        assert_eq!(f[1].modifier("limit"), Some("5"));
        assert_eq!(f[1].sub.as_ref().map(Vec::len), Some(2));
        assert!(parse("id,{").is_err());
        assert!(parse("a{b").is_err());
        assert_eq!(parse("id,,name,").map(|v| v.len()).unwrap_or(0), 2);
    }
}
