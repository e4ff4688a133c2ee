//! The site's own settings for the edge, as `edgedocs build` writes them beside the Worker
//! (`edge-config.js`, one JSON object) and the preview passes them from the site it built: the
//! colour-theme allow-list, whether the demo APIs answer and the pages' Content-Security-Policy. Parsing and validating the document is
//! here; turning it into the edge's [`crate::EdgeConfig`] is `config.rs`'s job. A runtime reads it
//! once per isolate, never per request.

use serde::Serialize;
use serde_json::Value;

/// Longest colour-theme name: it becomes the CSS class `theme-<name>` and the value of a cookie.
pub const MAX_COLOR_THEME_NAME_BYTES: usize = 32;

/// What a site tells its edge. A setting missing from the document takes its default, so a new
/// setting (read in [`SiteEdgeConfig::from_json`]) does not break a document written before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SiteEdgeConfig {
    /// The colour-theme names a visitor may pick, in the theme's order (`theme.toml`'s
    /// `[[color_themes]]`). Default: none, so no theme class is ever added.
    pub color_themes: Vec<String>,
    /// Whether the demo APIs beyond the theme (`/api/kv/flags`) answer; without them only the theme
    /// API, the theme class and the pinned message remain. Default: false.
    pub demo_apis: bool,
    /// The Content-Security-Policy of the site's pages: the theme contract's policy with the site's
    /// own sources (`[theme_options.csp]`), as `_headers` gives it on a static host. Default: the
    /// theme contract's policy, [`crate::CONTENT_SECURITY_POLICY`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_policy: Option<String>,
}

/// Longest page policy accepted, in bytes.
pub(crate) const MAX_PAGE_POLICY_BYTES: usize = 4096;

/// Why a site's edge settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteConfigError {
    /// The document is not the JSON object described by [`SiteEdgeConfig`].
    #[error("the edge settings are not valid: {0}")]
    Malformed(String),
    /// A colour-theme name that cannot be a CSS class suffix.
    #[error(
        "the colour theme name {0:?} must be 1-{MAX_COLOR_THEME_NAME_BYTES} characters of a-z, 0-9 and '-' (it becomes a CSS class)"
    )]
    BadColorThemeName(String),
    /// A page policy that cannot be a header value (control characters, too long).
    #[error(
        "the page policy must be 1-{MAX_PAGE_POLICY_BYTES} bytes of printable ASCII (it becomes the Content-Security-Policy header)"
    )]
    BadPagePolicy,
    /// The same colour theme twice.
    #[error("the colour theme {0:?} is listed twice")]
    DuplicateColorTheme(String),
}

/// Whether `name` can be a colour theme: 1-32 bytes of `a-z`, `0-9` and `-`.
pub fn is_valid_color_theme_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_COLOR_THEME_NAME_BYTES
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

impl SiteEdgeConfig {
    /// Reads and validates the JSON document `edgedocs build` writes. Read by hand from a
    /// `serde_json::Value`, the parser the API's bodies already use: a derived `Deserialize` added
    /// 20 KB to the Worker's wasm.
    pub fn from_json(text: &str) -> Result<Self, SiteConfigError> {
        let malformed = |why: String| Err(SiteConfigError::Malformed(why));
        let object = match serde_json::from_slice::<Value>(text.as_bytes()) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return malformed("expected a JSON object".into()),
            Err(error) => return malformed(error.to_string()),
        };
        let mut config = Self::default();
        for (key, value) in object {
            match (key.as_str(), value) {
                ("color_themes", Value::Array(names)) => {
                    for name in names {
                        let Value::String(name) = name else {
                            return malformed("`color_themes` must be an array of strings".into());
                        };
                        config.color_themes.push(name);
                    }
                }
                ("color_themes", _) => return malformed("`color_themes` must be an array of strings".into()),
                ("demo_apis", Value::Bool(on)) => config.demo_apis = on,
                ("demo_apis", _) => return malformed("`demo_apis` must be true or false".into()),
                ("page_policy", Value::String(policy)) => config.page_policy = Some(policy),
                ("page_policy", _) => return malformed("`page_policy` must be a string".into()),
                (unknown, _) => return malformed(format!("unknown key `{unknown}`")),
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// The settings as one line of JSON, the form [`SiteEdgeConfig::from_json`] reads.
    pub fn to_json(&self) -> String {
        // A struct of strings and booleans always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks every colour-theme name, that none is listed twice, and the page policy.
    pub fn validate(&self) -> Result<(), SiteConfigError> {
        if let Some(policy) = &self.page_policy
            && (policy.is_empty()
                || policy.len() > MAX_PAGE_POLICY_BYTES
                || !policy.bytes().all(|byte| (b' '..=b'~').contains(&byte)))
        {
            return Err(SiteConfigError::BadPagePolicy);
        }
        for (index, name) in self.color_themes.iter().enumerate() {
            if !is_valid_color_theme_name(name) {
                return Err(SiteConfigError::BadColorThemeName(name.clone()));
            }
            if self.color_themes[..index].contains(name) {
                return Err(SiteConfigError::DuplicateColorTheme(name.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let config = SiteEdgeConfig {
            color_themes: vec!["light".into(), "dark".into(), "high-contrast".into()],
            demo_apis: true,
            page_policy: None,
        };
        let json = config.to_json();
        assert_eq!(
            json,
            r#"{"color_themes":["light","dark","high-contrast"],"demo_apis":true}"#
        );
        assert_eq!(SiteEdgeConfig::from_json(&json), Ok(config));
    }

    #[test]
    fn the_page_policy_travels_with_the_settings() {
        let config = SiteEdgeConfig {
            page_policy: Some("default-src 'self'; img-src 'self' https://img.shields.io".into()),
            ..SiteEdgeConfig::default()
        };
        assert_eq!(SiteEdgeConfig::from_json(&config.to_json()), Ok(config));
    }

    #[test]
    fn missing_settings_take_their_defaults() {
        assert_eq!(SiteEdgeConfig::from_json("{}"), Ok(SiteEdgeConfig::default()));
        let config = SiteEdgeConfig::from_json(r#"{"color_themes":["dark"]}"#).unwrap();
        assert!(!config.demo_apis);
    }

    #[test]
    fn refuses_bad_documents() {
        let cases = [
            ("", "Malformed"),
            ("[]", "Malformed"),
            (r#"{"color_themes":"dark"}"#, "Malformed"),
            (r#"{"color_themes":[1]}"#, "Malformed"),
            (r#"{"demo_apis":"yes"}"#, "Malformed"),
            (r#"{"demo_api":true}"#, "Malformed"),
            (r#"{"color_themes":["Dark"]}"#, "BadColorThemeName"),
            (r#"{"color_themes":[""]}"#, "BadColorThemeName"),
            (r#"{"color_themes":["a b"]}"#, "BadColorThemeName"),
            (r#"{"color_themes":["dark\"><script>"]}"#, "BadColorThemeName"),
            (
                r#"{"color_themes":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}"#,
                "BadColorThemeName",
            ),
            (r#"{"color_themes":["dark","dark"]}"#, "DuplicateColorTheme"),
            (r#"{"page_policy":1}"#, "Malformed"),
            (r#"{"page_policy":""}"#, "BadPagePolicy"),
            (
                r#"{"page_policy":"default-src 'self'\r\nSet-Cookie: a=b"}"#,
                "BadPagePolicy",
            ),
        ];
        for (json, kind) in cases {
            let error = SiteEdgeConfig::from_json(json).expect_err(json);
            assert!(format!("{error:?}").starts_with(kind), "{json}: {error:?}");
        }
        let longest = "a".repeat(MAX_COLOR_THEME_NAME_BYTES);
        assert!(SiteEdgeConfig::from_json(&format!(r#"{{"color_themes":["{longest}"]}}"#)).is_ok());
    }
}
