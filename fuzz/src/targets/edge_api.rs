//! The edge core as a runtime drives it: `Edge::route`, then `start_api`/`finish_api` for the KV demo
//! APIs or `start_page`/`finish_page` for pages, with requests built from arbitrary methods, paths,
//! query strings, cookies, headers and JSON or form bodies, and arbitrary KV snapshots (values, flag
//! listings with any metadata and expiry, or KV failing).
//!
//! Properties: no panic; the same request and snapshot give the same answer; responses have a valid
//! status, lower-case header names, no line breaks in header values, JSON bodies that parse, errors
//! that write nothing and carry a code; every KV write passes KV's limits and stays in the visitor's
//! keyspace; a form post redirects only within the site; a page's theme class is allow-listed.

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs_edge::{
    ApiStep, Edge, EdgeConfig, EdgeRequest, EdgeResponse, InjectionPlan, KvListEntry, KvReads, KvSnapshot, Method,
    Outcome, PINNED_MESSAGE_KEY, RequestContext, Route, SessionId, validate_kv_key, validate_kv_write,
};

use super::input;
use crate::pieces::{LineText, Many, Text, Word, choose, raw_string};

const ORIGIN: &str = "https://docs.test";
const VISITOR: &str = "0123456789abcdef0123456789abcdef";

#[derive(Debug, Arbitrary)]
struct EdgeInput {
    /// Makes the method, path and content type agree with the body (a plausible API call), so the
    /// handlers get past their first checks more often than independent choices would.
    coherent: bool,
    method: MethodModel,
    path: PathModel,
    query: Many<QueryPair>,
    raw_query: Option<LineText>,
    cookies: Many<CookieModel>,
    headers: Many<HeaderModel>,
    content_type: Option<ContentTypeModel>,
    content_length: Option<ContentLengthModel>,
    body: BodyModel,
    kv: KvModel,
    now_unix_ms: NowModel,
    fresh_session: [u8; 16],
    config: ConfigModel,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum MethodModel {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other,
}

impl MethodModel {
    fn method(self) -> Method {
        match self {
            Self::Get => Method::Get,
            Self::Head => Method::Head,
            Self::Post => Method::Post,
            Self::Put => Method::Put,
            Self::Patch => Method::Patch,
            Self::Delete => Method::Delete,
            Self::Options => Method::Options,
            Self::Other => Method::Other,
        }
    }
}

#[derive(Debug)]
struct PathModel(String);

impl<'a> Arbitrary<'a> for PathModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const PATHS: &[&str] = &[
            "/api/kv/theme",
            "/api/kv/theme",
            "/api/kv/flags",
            "/api/kv/flags",
            "/api/kv/theme/",
            "/api",
            "/api/",
            "/api/kv/pinned_message",
            "/API/kv/theme",
            "/api/kv/%74heme",
            "/",
            "/storage/kv/",
            "/404.html",
            "/assets/site.css",
            "/apix",
        ];
        Ok(Self(if u.ratio(9, 10)? {
            choose(u, PATHS)?.to_owned()
        } else {
            format!("/{}", LineText::arbitrary(u)?.0)
        }))
    }
}

#[derive(Debug, Arbitrary)]
enum QueryPair {
    Tenant(TenantModel),
    Other(Word, Word),
    Raw(LineText),
}

#[derive(Debug)]
struct TenantModel(String);

impl<'a> Arbitrary<'a> for TenantModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const TENANTS: &[&str] = &[
            "acme", "acme", "a", "acme-2", "", "-acme", "Acme", "a:b", "a%3Ab", "a+b", "%41", "%", "%zz", "acme%00",
            "ünï", "..", "a/b",
        ];
        Ok(Self(match u.arbitrary::<u8>()? % 10 {
            0 => "a".repeat(usize::from(u.arbitrary::<u8>()?)),
            1 => Word::arbitrary(u)?.0,
            _ => choose(u, TENANTS)?.to_owned(),
        }))
    }
}

#[derive(Debug, Arbitrary)]
enum CookieModel {
    Session,
    OtherSession([u8; 16]),
    BadSession(Word),
    QuotedSession,
    ThemeHint(ThemeName),
    Other(Word, Word),
    Raw(LineText),
}

#[derive(Debug)]
struct ThemeName(String);

impl<'a> Arbitrary<'a> for ThemeName {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const NAMES: &[&str] = &[
            "dark",
            "light",
            "sepia",
            "Dark",
            "neon",
            "",
            " dark",
            "dark\"",
            "<b>",
            "theme-dark",
            "dark;x=1",
        ];
        Ok(Self(if u.ratio(7, 8)? {
            choose(u, NAMES)?.to_owned()
        } else {
            Word::arbitrary(u)?.0
        }))
    }
}

#[derive(Debug, Arbitrary)]
enum HeaderModel {
    Origin(OriginModel),
    SecFetchSite(FetchSiteModel),
    Referer(RefererModel),
    CookieCase(CookieModel),
    Other(Word, LineText),
}

#[derive(Debug)]
struct OriginModel(String);

impl<'a> Arbitrary<'a> for OriginModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const ORIGINS: &[&str] = &[
            "https://docs.test",
            "HTTPS://DOCS.TEST",
            " https://docs.test ",
            "https://docs.test/",
            "https://evil.test",
            "null",
            "",
            "https://docs.test.evil.test",
            "http://docs.test",
        ];
        Ok(Self(choose(u, ORIGINS)?.to_owned()))
    }
}

#[derive(Debug)]
struct FetchSiteModel(String);

impl<'a> Arbitrary<'a> for FetchSiteModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const SITES: &[&str] = &[
            "same-origin",
            "Same-Origin",
            " same-origin ",
            "same-site",
            "cross-site",
            "none",
            "",
        ];
        Ok(Self(choose(u, SITES)?.to_owned()))
    }
}

#[derive(Debug)]
struct RefererModel(String);

impl<'a> Arbitrary<'a> for RefererModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const PATHS: &[&str] = &[
            "/storage/kv/?x=1",
            "/",
            "//evil.test/",
            "/\\evil.test/",
            "/\t/evil.test/",
            "/%2F%2Fevil.test",
            "",
            ".evil.test/",
            "@evil.test/",
            "/../x",
            "#top",
            "?q",
        ];
        let origin = choose(u, &[ORIGIN, ORIGIN, "https://evil.test", "HTTPS://DOCS.TEST", ""])?;
        let path = if u.ratio(7, 8)? {
            choose(u, PATHS)?.to_owned()
        } else {
            LineText::arbitrary(u)?.0
        };
        Ok(Self(format!("{origin}{path}")))
    }
}

#[derive(Debug)]
struct ContentTypeModel(String);

impl<'a> Arbitrary<'a> for ContentTypeModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const TYPES: &[&str] = &[
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
            ";",
            "application/json;",
        ];
        Ok(Self(choose(u, TYPES)?.to_owned()))
    }
}

#[derive(Debug, Arbitrary)]
enum ContentLengthModel {
    Actual,
    Number(u32),
    Text(LineText),
    Huge,
    Negative,
}

#[derive(Debug, Arbitrary)]
enum BodyModel {
    Empty,
    Json(JsonModel),
    ThemeJson(JsonModel),
    ThemeJsonName(ThemeName),
    FlagJson(FlagJson),
    BrokenJson(LineText),
    Form(Many<(FormKey, FormValue)>),
    Bytes(Vec<u8>),
    Large(u16),
}

#[derive(Debug, Arbitrary)]
enum FormValue {
    Theme(ThemeName),
    Encoded(ThemeName),
    Text(Text),
}

impl FormValue {
    fn text(&self) -> String {
        match self {
            Self::Theme(name) => name.0.clone(),
            Self::Encoded(name) => name.0.bytes().map(|byte| format!("%{byte:02X}")).collect(),
            Self::Text(text) => text.0.clone(),
        }
    }
}

#[derive(Debug)]
struct FormKey(String);

impl<'a> Arbitrary<'a> for FormKey {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(
            choose(u, &["theme", "theme", "Theme", "theme[]", "other", "", "th%65me"])?.to_owned(),
        ))
    }
}

#[derive(Debug, Arbitrary)]
struct FlagJson {
    tenant: Option<Field>,
    name: Option<Field>,
    enabled: Option<JsonModel>,
    created_by: Option<Field>,
    description: Option<Field>,
    unknown: Option<(Word, JsonModel)>,
}

#[derive(Debug, Arbitrary)]
enum Field {
    Text(FieldText),
    Json(JsonModel),
}

#[derive(Debug)]
struct FieldText(String);

impl<'a> Arbitrary<'a> for FieldText {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const TEXTS: &[&str] = &[
            "acme",
            "dark-mode",
            "beta.v2",
            "a_b",
            "-x",
            "A",
            "",
            " ",
            "\t",
            "a\u{7}b",
            "x:y",
            "ops team",
        ];
        Ok(Self(match u.arbitrary::<u8>()? % 8 {
            0 => "d".repeat(usize::from(u.arbitrary::<u16>()? % 1200)),
            1 => Text::arbitrary(u)?.0,
            _ => choose(u, TEXTS)?.to_owned(),
        }))
    }
}

impl Field {
    fn to_json(&self, depth: usize) -> serde_json::Value {
        match self {
            Self::Text(text) => serde_json::Value::String(text.0.clone()),
            Self::Json(json) => json.to_json(depth),
        }
    }
}

/// Any JSON value, shallow.
#[derive(Debug, Arbitrary)]
enum JsonModel {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(Text),
    Array(Vec<JsonModel>),
    Object(Vec<(JsonKey, JsonModel)>),
}

#[derive(Debug)]
struct JsonKey(String);

impl<'a> Arbitrary<'a> for JsonKey {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const KEYS: &[&str] = &[
            "theme",
            "tenant",
            "name",
            "enabled",
            "createdBy",
            "description",
            "createdAt",
            "__proto__",
            "",
        ];
        Ok(Self(if u.ratio(7, 8)? {
            choose(u, KEYS)?.to_owned()
        } else {
            Word::arbitrary(u)?.0
        }))
    }
}

impl JsonModel {
    fn to_json(&self, depth: usize) -> serde_json::Value {
        use serde_json::Value;
        if depth > 6 {
            return Value::Null;
        }
        match self {
            Self::Null => Value::Null,
            Self::Bool(value) => Value::Bool(*value),
            Self::Integer(value) => Value::from(*value),
            Self::Float(value) => serde_json::Number::from_f64(*value).map_or(Value::Null, Value::Number),
            Self::String(text) => Value::String(text.0.clone()),
            Self::Array(items) => Value::Array(items.iter().map(|item| item.to_json(depth + 1)).collect()),
            Self::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.0.clone(), value.to_json(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// What KV answers: values for the gets (in order, cycling), entries for the listings, or a failure.
#[derive(Debug, Arbitrary)]
struct KvModel {
    values: Many<Option<ValueModel>>,
    entries: Many<ListEntryModel>,
    repeat_entries: u8,
    fails: bool,
}

#[derive(Debug, Arbitrary)]
enum ValueModel {
    Theme(ThemeName),
    Text(Text),
    Blank,
    Long(u16),
}

#[derive(Debug, Arbitrary)]
struct ListEntryModel {
    name: EntryName,
    expiration: Option<ExpirationModel>,
    metadata: Option<MetadataModel>,
}

#[derive(Debug, Arbitrary)]
enum EntryName {
    Flag(FieldText),
    OtherPrefix(Word),
    PrefixOnly,
}

#[derive(Debug, Arbitrary)]
enum ExpirationModel {
    Soon(u32),
    Any(u64),
    Max,
}

#[derive(Debug, Arbitrary)]
enum MetadataModel {
    Flag {
        enabled: Option<JsonModel>,
        created_at: Option<JsonModel>,
        created_by: Option<JsonModel>,
        description: Option<JsonModel>,
    },
    Any(JsonModel),
}

#[derive(Debug, Arbitrary)]
enum NowModel {
    Realistic(u32),
    Zero,
    Any(u64),
    Max,
}

impl NowModel {
    fn millis(&self) -> u64 {
        match self {
            Self::Realistic(offset) => 1_700_000_000_000 + u64::from(*offset),
            Self::Zero => 0,
            Self::Any(value) => *value,
            Self::Max => u64::MAX,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct ConfigModel {
    extra_theme: Option<ThemeName>,
    secure_cookies: bool,
    max_flags_per_tenant: u8,
    max_api_body_bytes: u16,
    defaults: bool,
}

impl ConfigModel {
    fn config(&self) -> EdgeConfig {
        let mut themes = vec!["light".to_owned(), "dark".to_owned(), "sepia".to_owned()];
        if let Some(extra) = &self.extra_theme {
            themes.push(extra.0.clone());
        }
        let mut config = EdgeConfig::new(themes, "fuzz");
        config.secure_cookies = self.secure_cookies;
        config.demo_apis = true;
        if !self.defaults {
            config.max_flags_per_tenant = usize::from(self.max_flags_per_tenant);
            config.max_api_body_bytes = usize::from(self.max_api_body_bytes);
        }
        config
    }
}

fn cookie_text(cookie: &CookieModel) -> String {
    match cookie {
        CookieModel::Session => format!("session={VISITOR}"),
        CookieModel::OtherSession(bytes) => format!("session={}", SessionId::from_random_bytes(*bytes).as_str()),
        CookieModel::BadSession(word) => format!("session={}", word.0),
        CookieModel::QuotedSession => format!("session=\"{VISITOR}\""),
        CookieModel::ThemeHint(name) => format!("theme_hint={}", name.0),
        CookieModel::Other(name, value) => format!("{}={}", name.0, value.0),
        CookieModel::Raw(text) => text.0.clone(),
    }
}

/// Header values as a runtime hands them over: HTTP forbids line breaks and NUL in them.
fn header_safe(value: &str) -> String {
    value.replace(['\r', '\n', '\0'], "")
}

impl EdgeInput {
    fn request(&self) -> EdgeRequest {
        let mut query: Vec<String> = self
            .query
            .iter()
            .map(|pair| match pair {
                QueryPair::Tenant(tenant) => format!("tenant={}", tenant.0),
                QueryPair::Other(name, value) => format!("{}={}", name.0, value.0),
                QueryPair::Raw(text) => text.0.clone(),
            })
            .collect();
        if let Some(raw) = &self.raw_query {
            query.push(raw.0.clone());
        }
        let (method, path, content_type) = self.shape();
        let mut request = EdgeRequest::new(method, ORIGIN, &path);
        request.query = query.join("&");
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self.cookies.iter().map(cookie_text).collect();
            request
                .headers
                .push(("cookie".into(), header_safe(&cookies.join("; "))));
        }
        for header in &self.headers {
            let (name, value) = match header {
                HeaderModel::Origin(origin) => ("Origin".to_owned(), origin.0.clone()),
                HeaderModel::SecFetchSite(site) => ("sec-fetch-site".to_owned(), site.0.clone()),
                HeaderModel::Referer(referer) => ("Referer".to_owned(), referer.0.clone()),
                HeaderModel::CookieCase(cookie) => ("COOKIE".to_owned(), cookie_text(cookie)),
                HeaderModel::Other(name, value) => (name.0.clone(), value.0.clone()),
            };
            request.headers.push((header_safe(&name), header_safe(&value)));
        }
        request.body = self.body_bytes();
        if let Some(content_type) = content_type {
            request.headers.push(("Content-Type".into(), content_type));
        }
        if let Some(length) = &self.content_length {
            let value = match length {
                ContentLengthModel::Actual => request.body.len().to_string(),
                ContentLengthModel::Number(number) => number.to_string(),
                ContentLengthModel::Text(text) => header_safe(&text.0),
                ContentLengthModel::Huge => "99999999999999999999999".into(),
                ContentLengthModel::Negative => "-1".into(),
            };
            request.headers.push(("content-length".into(), value));
        }
        request
    }

    /// The method, path and content type: as drawn, or matching the body when `coherent`.
    fn shape(&self) -> (Method, String, Option<String>) {
        let drawn = (
            self.method.method(),
            self.path.0.clone(),
            self.content_type.as_ref().map(|content_type| content_type.0.clone()),
        );
        if !self.coherent {
            return drawn;
        }
        let post = |path: &str, content_type: &str| (Method::Post, path.to_owned(), Some(content_type.to_owned()));
        match &self.body {
            BodyModel::Form(_) => post("/api/kv/theme", "application/x-www-form-urlencoded"),
            BodyModel::Json(_) | BodyModel::ThemeJson(_) | BodyModel::ThemeJsonName(_) | BodyModel::Large(_) => {
                post("/api/kv/theme", "application/json")
            }
            BodyModel::FlagJson(_) | BodyModel::BrokenJson(_) => post("/api/kv/flags", "application/json"),
            BodyModel::Empty | BodyModel::Bytes(_) => (Method::Get, drawn.1, drawn.2),
        }
    }

    fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            BodyModel::Empty => Vec::new(),
            BodyModel::Json(json) => json.to_json(0).to_string().into_bytes(),
            BodyModel::ThemeJson(json) => serde_json::json!({ "theme": json.to_json(1) }).to_string().into_bytes(),
            BodyModel::ThemeJsonName(name) => serde_json::json!({ "theme": name.0 }).to_string().into_bytes(),
            BodyModel::FlagJson(flag) => {
                let mut object = serde_json::Map::new();
                for (key, field) in [
                    ("tenant", &flag.tenant),
                    ("name", &flag.name),
                    ("createdBy", &flag.created_by),
                    ("description", &flag.description),
                ] {
                    if let Some(field) = field {
                        object.insert(key.to_owned(), field.to_json(1));
                    }
                }
                if let Some(enabled) = &flag.enabled {
                    object.insert("enabled".to_owned(), enabled.to_json(1));
                }
                if let Some((key, value)) = &flag.unknown {
                    object.insert(key.0.clone(), value.to_json(1));
                }
                serde_json::Value::Object(object).to_string().into_bytes()
            }
            BodyModel::BrokenJson(text) => format!("{{\"theme\":{}", text.0).into_bytes(),
            BodyModel::Form(pairs) => pairs
                .iter()
                .map(|(key, value)| format!("{}={}", key.0, value.text()))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes(),
            BodyModel::Bytes(bytes) => bytes.clone(),
            BodyModel::Large(extra) => {
                format!("{{\"theme\":\"{}\"}}", "d".repeat(8 * 1024 + usize::from(*extra % 64))).into_bytes()
            }
        }
    }

    fn snapshot(&self, reads: &KvReads) -> KvSnapshot {
        let mut snapshot = KvSnapshot::new();
        for (index, get) in reads.gets.iter().enumerate() {
            let value = if self.kv.values.is_empty() {
                None
            } else {
                self.kv.values[index % self.kv.values.len()]
                    .as_ref()
                    .map(|value| match value {
                        ValueModel::Theme(name) => name.0.clone(),
                        ValueModel::Text(text) => text.0.clone(),
                        ValueModel::Blank => " \n".to_owned(),
                        ValueModel::Long(length) => "m".repeat(usize::from(*length)),
                    })
            };
            snapshot.insert_value(get.key.clone(), value);
        }
        for list in &reads.lists {
            let mut entries = Vec::new();
            let repeat = usize::from(self.kv.repeat_entries % 64).max(1);
            for round in 0..repeat {
                for entry in &self.kv.entries {
                    let name = match &entry.name {
                        EntryName::Flag(text) if round == 0 => format!("{}{}", list.prefix, text.0),
                        EntryName::Flag(text) => format!("{}{}-{round}", list.prefix, text.0),
                        EntryName::OtherPrefix(word) => format!("flag:{}", word.0),
                        EntryName::PrefixOnly => list.prefix.clone(),
                    };
                    let expiration = entry.expiration.as_ref().map(|expiration| match expiration {
                        ExpirationModel::Soon(seconds) => 1_700_000_000 + u64::from(*seconds),
                        ExpirationModel::Any(value) => *value,
                        ExpirationModel::Max => u64::MAX,
                    });
                    let metadata = entry.metadata.as_ref().map(|metadata| match metadata {
                        MetadataModel::Flag {
                            enabled,
                            created_at,
                            created_by,
                            description,
                        } => {
                            let mut object = serde_json::Map::new();
                            for (key, value) in [
                                ("enabled", enabled),
                                ("createdAt", created_at),
                                ("createdBy", created_by),
                                ("description", description),
                            ] {
                                if let Some(value) = value {
                                    object.insert(key.to_owned(), value.to_json(1));
                                }
                            }
                            serde_json::Value::Object(object)
                        }
                        MetadataModel::Any(json) => json.to_json(0),
                    });
                    entries.push(KvListEntry {
                        name,
                        expiration,
                        metadata,
                    });
                }
            }
            entries.truncate(list.max_keys);
            snapshot.insert_listing(list.prefix.clone(), entries);
        }
        snapshot
    }
}

/// Everything one request produced.
#[derive(Debug, PartialEq)]
enum Answer {
    Api { reads: Option<KvReads>, outcome: Outcome },
    Page { reads: KvReads, plan: InjectionPlan },
}

fn drive(edge: &Edge, input: &EdgeInput, request: &EdgeRequest) -> Answer {
    let context = RequestContext {
        now_unix_ms: input.now_unix_ms.millis(),
        fresh_session: SessionId::from_random_bytes(input.fresh_session),
    };
    match edge.route(&request.path) {
        Route::Api(endpoint) => match edge.start_api(endpoint, request, &context) {
            ApiStep::Done(outcome) => Answer::Api { reads: None, outcome },
            ApiStep::NeedsKv { reads, pending } => {
                let outcome = if input.kv.fails {
                    Outcome::kv_unavailable()
                } else {
                    edge.finish_api(pending, &input.snapshot(&reads))
                };
                Answer::Api {
                    reads: Some(reads),
                    outcome,
                }
            }
        },
        // The search results page is a page too: its injection is the same.
        Route::Search | Route::Asset => {
            let pending = edge.start_page(request);
            let reads = pending.reads.clone();
            let snapshot = (!input.kv.fails).then(|| input.snapshot(&reads));
            let plan = edge.finish_page(pending, snapshot.as_ref());
            Answer::Page { reads, plan }
        }
    }
}

pub fn show(bytes: &[u8]) -> String {
    match input::<EdgeInput>(bytes) {
        Some(input) => {
            let request = input.request();
            format!(
                "{} {}?{}\n{}\n\n{}\n\nKV: {:?}\nnow: {} ms",
                request.method.as_str(),
                request.path,
                request.query,
                request
                    .headers
                    .iter()
                    .map(|(name, value)| format!("{name}: {value}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                String::from_utf8_lossy(&request.body),
                input.kv,
                input.now_unix_ms.millis()
            )
        }
        None => "(no input)".to_owned(),
    }
}

pub fn run(bytes: &[u8]) {
    let Some(input) = input::<EdgeInput>(bytes) else {
        return;
    };
    let config = input.config.config();
    let edge = Edge::new(config.clone());
    let request = input.request();
    let first = drive(&edge, &input, &request);
    let second = drive(&edge, &input, &request);
    assert_eq!(first, second, "the same request and snapshot gave two answers");
    match &first {
        Answer::Api { reads, outcome } => {
            if let Some(reads) = reads {
                check_reads(reads);
            }
            check_outcome(outcome, &config, &request);
        }
        Answer::Page { reads, plan } => {
            check_reads(reads);
            assert!(reads.gets.iter().any(|get| get.key == PINNED_MESSAGE_KEY));
            if let Some(class) = &plan.theme_class {
                let name = class
                    .strip_prefix("theme-")
                    .unwrap_or_else(|| panic!("theme class `{class}` lacks `theme-`"));
                assert!(
                    config.is_allowed_theme(name),
                    "theme class `{class}` is not allow-listed"
                );
            }
            if let Some(message) = &plan.pinned_message {
                assert!(!message.trim().is_empty(), "a blank pinned message is injected");
            }
            assert_eq!(plan.edge_name, config.edge_name);
        }
    }
    // Unused input bytes as a raw body, for the parsers' sake.
    let mut u = Unstructured::new(bytes);
    if let Ok(raw) = raw_string(&mut u, 256) {
        let request = request.with_body(raw.into_bytes());
        let answer = drive(&edge, &input, &request);
        if let Answer::Api { outcome, .. } = &answer {
            check_outcome(outcome, &config, &request);
        }
    }
}

fn check_reads(reads: &KvReads) {
    for get in &reads.gets {
        assert!(
            validate_kv_key(&get.key).is_ok(),
            "the edge reads an invalid key `{}`",
            get.key
        );
    }
    for list in &reads.lists {
        assert!(list.prefix.starts_with("flag:"), "the edge lists `{}`", list.prefix);
        assert!(list.max_keys > 0);
    }
}

fn is_session(text: &str) -> bool {
    SessionId::parse(text).is_some()
}

fn check_outcome(outcome: &Outcome, config: &EdgeConfig, request: &EdgeRequest) {
    let response = &outcome.response;
    check_response(response);
    if response.status >= 400 {
        assert!(outcome.writes.is_empty(), "a {} response writes to KV", response.status);
        let body = response.json_body().expect("an error body is JSON");
        assert!(body["error"]["code"].is_string(), "an error without a code: {body}");
        assert!(
            body["error"]["message"].is_string(),
            "an error without a message: {body}"
        );
    }
    match response.status {
        405 => assert!(response.header("allow").is_some(), "405 without Allow"),
        503 => assert!(response.header("retry-after").is_some(), "503 without Retry-After"),
        303 => {
            let location = response.header("location").expect("303 with a Location");
            let browser_view: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
            assert!(
                browser_view.starts_with('/') && !browser_view.starts_with("//") && !browser_view.starts_with("/\\"),
                "the form post redirects off the site, to `{location}` (Referer {:?})",
                request.header("referer")
            );
        }
        _ => {}
    }
    for write in &outcome.writes {
        assert!(validate_kv_write(write).is_ok(), "a write KV would refuse: {write:?}");
        if let Some(session) = write.key.strip_prefix("theme:") {
            assert!(is_session(session), "theme key outside a session: {}", write.key);
            assert!(
                config.is_allowed_theme(&write.value),
                "saved theme `{}` is not allowed",
                write.value
            );
        } else if let Some(rest) = write.key.strip_prefix("flag:") {
            let mut parts = rest.splitn(3, ':');
            let (session, tenant, name) = (parts.next(), parts.next(), parts.next());
            assert!(
                session.is_some_and(is_session),
                "flag key outside a session: {}",
                write.key
            );
            assert!(
                tenant.is_some_and(|tenant| edgedocs_edge::validate_tenant(tenant).is_ok()),
                "flag key with a bad tenant: {}",
                write.key
            );
            assert!(
                name.is_some_and(|name| !name.contains(':') && edgedocs_edge::validate_flag_name(name).is_ok()),
                "flag key with a bad name: {}",
                write.key
            );
        } else {
            panic!("a write outside the API's keyspace: {}", write.key);
        }
    }
    for cookie in response.header_values("set-cookie") {
        let (name, rest) = cookie.split_once('=').expect("a cookie has a name");
        let value = rest.split(';').next().unwrap_or_default();
        match name {
            "__Host-session" => assert!(is_session(value), "session cookie `{value}` is not a session id"),
            // The plain name: set on plain http, or expired when a visitor moves to `__Host-session`.
            "session" => assert!(
                is_session(value) || (value.is_empty() && cookie.contains("Max-Age=0")),
                "session cookie `{cookie}` is neither a session id nor an expiry"
            ),
            "theme_hint" => assert!(config.is_allowed_theme(value), "theme hint `{value}` is not allowed"),
            other => panic!("unexpected cookie `{other}`"),
        }
    }
}

fn check_response(response: &EdgeResponse) {
    assert!((100..=599).contains(&response.status), "status {}", response.status);
    for (name, value) in &response.headers {
        assert!(
            !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'-'),
            "header name `{name}`"
        );
        assert!(
            !value.contains(['\r', '\n', '\0']),
            "header `{name}` has a line break or NUL: {value:?}"
        );
    }
    if response
        .header("content-type")
        .is_some_and(|content_type| content_type.starts_with("application/json"))
    {
        assert!(response.json_body().is_some(), "a JSON response whose body is not JSON");
    }
}
