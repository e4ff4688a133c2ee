//! A shortcode call's arguments: `name = value` pairs separated by commas, each value a tera literal
//! (a string in `"`, `'` or backticks, a number, `true`/`false`, or an array of those).

use serde_json::Value;

/// The arguments of a call, in the order written.
pub(crate) type Arguments = Vec<(String, Value)>;

/// Parses the text between a call's parentheses; `None` when it is not a list of literal arguments
/// (then the text is not a shortcode call, e.g. `{{ get_url(path=asset) }}` in a template example).
pub(crate) fn parse_arguments(text: &str) -> Option<Arguments> {
    let mut reader = Reader { text, at: 0 };
    let mut arguments = Vec::new();
    loop {
        reader.skip_space();
        if reader.at_end() {
            return Some(arguments);
        }
        let name = reader.identifier()?;
        reader.skip_space();
        reader.expect('=')?;
        reader.skip_space();
        let value = reader.value()?;
        arguments.push((name.to_owned(), value));
        reader.skip_space();
        if reader.at_end() {
            return Some(arguments);
        }
        reader.expect(',')?;
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn at_end(&self) -> bool {
        self.at >= self.text.len()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.rest().starts_with(c).then(|| self.at += c.len_utf8())
    }

    fn identifier(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let length = identifier_length(rest);
        (length > 0).then(|| {
            self.at += length;
            &rest[..length]
        })
    }

    fn value(&mut self) -> Option<Value> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        match first {
            '"' | '\'' | '`' => {
                let end = rest[1..].find(first)? + 1;
                self.at += end + 1;
                Some(Value::String(rest[1..end].to_owned()))
            }
            '[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.expect(']').is_some() {
                        return Some(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.skip_space();
                    if self.expect(']').is_some() {
                        return Some(Value::Array(items));
                    }
                    self.expect(',')?;
                }
            }
            _ => {
                let length = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_')))
                    .unwrap_or(rest.len());
                let word = &rest[..length];
                let value = match word {
                    "true" | "True" => Value::Bool(true),
                    "false" | "False" => Value::Bool(false),
                    _ => {
                        let plain = word.replace('_', "");
                        if let Ok(integer) = plain.parse::<i64>() {
                            Value::from(integer)
                        } else {
                            let float = plain.parse::<f64>().ok().filter(|float| float.is_finite())?;
                            Value::from(float)
                        }
                    }
                };
                self.at += length;
                Some(value)
            }
        }
    }
}

/// The length of the identifier `text` starts with (`[A-Za-z_][A-Za-z0-9_]*`), 0 if none.
pub(crate) fn identifier_length(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tera_literals_are_read() {
        let arguments = parse_arguments(
            r#" title="KV", n = 3, ratio=0.5, big=1_000, neg=-2, on=true, off=False, quote='it "is"', raw=`a'b`, list=["a", 1, [true]], "#,
        )
        .unwrap();
        let value: serde_json::Map<String, Value> = arguments.into_iter().collect();
        assert_eq!(
            Value::Object(value),
            json!({"title": "KV", "n": 3, "ratio": 0.5, "big": 1000, "neg": -2, "on": true, "off": false,
                   "quote": "it \"is\"", "raw": "a'b", "list": ["a", 1, [true]]})
        );
        assert_eq!(parse_arguments("").unwrap(), vec![]);
    }

    #[test]
    fn anything_but_literals_is_not_a_call() {
        for text in [
            "path=asset",
            "x",
            "a=\"unclosed",
            "a=1 b=2",
            "=1",
            "a=[1, 2",
            "a=inf",
            "a=1.2.3",
        ] {
            assert!(parse_arguments(text).is_none(), "{text}");
        }
    }
}
