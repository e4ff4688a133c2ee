//! `/api/kv/flags`: the keyspace-as-index demo. Flags live under `flag:<sessionId>:<tenant>:<name>`,
//! so a tenant is scoped to the visitor's session and a listing can reach nothing but that visitor's
//! flags. GET lists the prefix and answers from key metadata alone (no value is fetched); POST writes
//! one flag with its metadata, expiring after a day, at most [`crate::MAX_FLAGS_PER_TENANT`] a tenant.

use crate::api::{self, ApiStep, Outcome, PendingApi, PendingKind, RequestContext};
use crate::api_error::{ApiError, json_response};
use crate::config::{EdgeConfig, FLAG_LIFETIME_SECONDS};
use crate::http::{EdgeRequest, Method};
use crate::kv::{KvList, KvListEntry, KvReads, KvSnapshot, KvWrite, MAX_LIST_PAGE_KEYS, validate_kv_write};
use crate::session::{self, SessionId};

const ALLOWED_METHODS: &[Method] = &[Method::Get, Method::Post];
/// Longest tenant id, in characters.
pub const MAX_TENANT_CHARS: usize = 64;
/// Longest `createdBy`, in characters.
pub const MAX_CREATED_BY_CHARS: usize = 64;
const KNOWN_FIELDS: &[&str] = &["tenant", "name", "enabled", "createdBy", "description"];

/// The key prefix of one tenant's flags within one session.
pub fn flag_prefix(session: &SessionId, tenant: &str) -> String {
    format!("flag:{}:{tenant}:", session.as_str())
}

/// A flags request waiting for the tenant's listing.
#[derive(Debug)]
pub struct PendingFlags {
    prefix: String,
    action: PendingAction,
}

#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, moved once; boxing would only add an allocation"
)]
enum PendingAction {
    List,
    Write(FlagWrite),
}

/// A validated flag write: the KV write, the flag as the response shows it, and the session cookie
/// to set when the session was minted by this request.
#[derive(Debug)]
struct FlagWrite {
    name: String,
    write: KvWrite,
    flag: serde_json::Value,
    set_cookie: Option<String>,
}

pub(crate) fn start(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Result<ApiStep, ApiError> {
    match request.method {
        Method::Get => start_list(request),
        Method::Post => start_write(request, context, config),
        _ => Err(api::method_not_allowed(request, ALLOWED_METHODS)),
    }
}

fn needs_listing(prefix: String, action: PendingAction) -> ApiStep {
    ApiStep::NeedsKv {
        reads: KvReads {
            gets: Vec::new(),
            lists: vec![KvList {
                prefix: prefix.clone(),
                max_keys: MAX_LIST_PAGE_KEYS,
            }],
        },
        pending: PendingApi(PendingKind::Flags(PendingFlags { prefix, action })),
    }
}

fn start_list(request: &EdgeRequest) -> Result<ApiStep, ApiError> {
    let tenant = form_urlencoded::parse(request.query.as_bytes())
        .find(|(name, _)| name == "tenant")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| ApiError::InvalidQuery {
            name: "tenant",
            reason: "is required".into(),
        })?;
    validate_tenant(&tenant).map_err(|reason| ApiError::InvalidQuery { name: "tenant", reason })?;
    let Some(session) = session::session_from_cookies(&request.cookie_header()) else {
        // No session, no flags: nothing to read.
        return Ok(ApiStep::Done(Outcome::respond(json_response(
            200,
            &serde_json::json!({ "flags": [] }),
        ))));
    };
    Ok(needs_listing(flag_prefix(&session, &tenant), PendingAction::List))
}

fn start_write(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Result<ApiStep, ApiError> {
    api::require_same_origin(request)?;
    api::require_body_within(request, config.max_api_body_bytes)?;
    if request.media_type().as_deref() != Some("application/json") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let body = api::parse_json_object(&request.body)?;
    let submitted = FlagSubmission::from_json(&body)?;

    let (session, minted) = api::session_or_mint(request, context);
    let mut metadata = serde_json::json!({
        "enabled": submitted.enabled,
        "createdAt": rfc3339_from_unix_ms(context.now_unix_ms),
    });
    if let Some(created_by) = &submitted.created_by {
        metadata["createdBy"] = created_by.clone().into();
    }
    if let Some(description) = &submitted.description {
        metadata["description"] = description.clone().into();
    }
    let prefix = flag_prefix(&session, &submitted.tenant);
    let write = KvWrite {
        key: format!("{prefix}{}", submitted.name),
        value: metadata.to_string(),
        expiration_ttl: Some(FLAG_LIFETIME_SECONDS),
        metadata: Some(metadata.clone()),
    };
    validate_kv_write(&write).map_err(ApiError::KvLimit)?;

    let mut flag = metadata;
    flag["name"] = submitted.name.clone().into();
    let set_cookie = minted.then(|| session::session_set_cookie(&session, config));
    let flag_write = FlagWrite {
        name: submitted.name,
        write,
        flag,
        set_cookie,
    };
    if minted {
        // A session minted just now holds no flags: no need to count them.
        return Ok(ApiStep::Done(written(flag_write, false)));
    }
    Ok(needs_listing(prefix, PendingAction::Write(flag_write)))
}

pub(crate) fn finish(pending: PendingFlags, snapshot: &KvSnapshot, config: &EdgeConfig) -> Result<Outcome, ApiError> {
    let listing = snapshot.listing(&pending.prefix);
    match pending.action {
        PendingAction::List => {
            let flags: Vec<serde_json::Value> = listing
                .iter()
                .filter_map(|entry| flag_from_entry(&pending.prefix, entry))
                .collect();
            Ok(Outcome::respond(json_response(
                200,
                &serde_json::json!({ "flags": flags }),
            )))
        }
        PendingAction::Write(flag_write) => {
            let replaces = listing
                .iter()
                .any(|entry| entry.name.strip_prefix(pending.prefix.as_str()) == Some(flag_write.name.as_str()));
            if !replaces && listing.len() >= config.max_flags_per_tenant {
                return Err(ApiError::TooManyFlags {
                    limit: config.max_flags_per_tenant,
                });
            }
            Ok(written(flag_write, replaces))
        }
    }
}

fn written(flag_write: FlagWrite, replaces: bool) -> Outcome {
    let FlagWrite {
        write,
        flag,
        set_cookie,
        ..
    } = flag_write;
    let mut response = json_response(if replaces { 200 } else { 201 }, &serde_json::json!({ "flag": flag }));
    if let Some(cookie) = set_cookie {
        response.headers.push(("set-cookie".into(), cookie));
    }
    Outcome {
        response,
        writes: vec![write],
    }
}

/// A flag as the API shows it, built from the key's name and metadata only.
fn flag_from_entry(prefix: &str, entry: &KvListEntry) -> Option<serde_json::Value> {
    let name = entry.name.strip_prefix(prefix)?;
    let metadata = entry.metadata.as_ref();
    let mut flag = serde_json::json!({
        "name": name,
        "enabled": metadata.and_then(|meta| meta.get("enabled")).and_then(serde_json::Value::as_bool).unwrap_or(true),
        "createdAt": metadata.and_then(|meta| meta.get("createdAt")).cloned().unwrap_or(serde_json::Value::Null),
    });
    for optional in ["createdBy", "description"] {
        if let Some(value) = metadata
            .and_then(|meta| meta.get(optional))
            .filter(|value| value.is_string())
        {
            flag[optional] = value.clone();
        }
    }
    if let Some(expiration) = entry.expiration {
        flag["expiresAt"] = rfc3339_from_unix_ms(expiration.saturating_mul(1000)).into();
    }
    Some(flag)
}

/// The fields of a POST, validated.
struct FlagSubmission {
    tenant: String,
    name: String,
    enabled: bool,
    created_by: Option<String>,
    description: Option<String>,
}

impl FlagSubmission {
    fn from_json(body: &serde_json::Map<String, serde_json::Value>) -> Result<Self, ApiError> {
        if let Some(unknown) = body.keys().find(|key| !KNOWN_FIELDS.contains(&key.as_str())) {
            return Err(invalid(
                unknown,
                format!("is not a known field; known fields: {}", KNOWN_FIELDS.join(", ")),
            ));
        }
        let tenant = required_string(body, "tenant")?;
        validate_tenant(&tenant).map_err(|reason| invalid("tenant", reason))?;
        let name = required_string(body, "name")?;
        validate_flag_name(&name).map_err(|reason| invalid("name", reason))?;
        let enabled = match body.get("enabled") {
            None => true,
            Some(serde_json::Value::Bool(enabled)) => *enabled,
            Some(_) => return Err(invalid("enabled", "must be true or false".into())),
        };
        let created_by = optional_string(body, "createdBy")?;
        if let Some(created_by) = &created_by {
            validate_free_text(created_by, MAX_CREATED_BY_CHARS).map_err(|reason| invalid("createdBy", reason))?;
        }
        let description = optional_string(body, "description")?;
        if let Some(description) = &description {
            // Its length is bounded by the metadata limit, checked with the whole write.
            validate_free_text(description, usize::MAX).map_err(|reason| invalid("description", reason))?;
        }
        Ok(Self {
            tenant,
            name,
            enabled,
            created_by,
            description,
        })
    }
}

fn invalid(field: &str, reason: String) -> ApiError {
    ApiError::InvalidField {
        field: field.to_owned(),
        reason,
    }
}

fn required_string(body: &serde_json::Map<String, serde_json::Value>, field: &str) -> Result<String, ApiError> {
    optional_string(body, field)?.ok_or_else(|| invalid(field, "is required".into()))
}

fn optional_string(body: &serde_json::Map<String, serde_json::Value>, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(invalid(field, "must be a string".into())),
    }
}

/// Tenant ids: 1-64 characters of `a-z`, `0-9` and `-`, starting with a letter or digit. No `:`,
/// so one tenant's prefix can never cover another's keys.
pub fn validate_tenant(tenant: &str) -> Result<(), String> {
    let valid_chars = tenant
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    let valid_start = tenant.bytes().next().is_some_and(|byte| byte.is_ascii_alphanumeric());
    if tenant.is_empty() || tenant.len() > MAX_TENANT_CHARS || !valid_chars || !valid_start {
        return Err(format!(
            "must be 1-{MAX_TENANT_CHARS} characters of a-z, 0-9 and '-', starting with a letter or digit"
        ));
    }
    Ok(())
}

/// Flag names: `a-z`, `0-9`, `-`, `_` and `.`, starting with a letter or digit. Their length is bounded
/// by KV's key limit, checked on the whole key.
pub fn validate_flag_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'-' | b'_' | b'.'));
    let valid_start = name.bytes().next().is_some_and(|byte| byte.is_ascii_alphanumeric());
    if !valid_chars || !valid_start {
        return Err("must use a-z, 0-9, '-', '_' and '.', starting with a letter or digit".into());
    }
    Ok(())
}

fn validate_free_text(text: &str, max_chars: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    Ok(())
}

/// Formats a Unix time in milliseconds as RFC 3339 UTC, e.g. `2023-11-14T22:13:20.000Z`.
pub fn rfc3339_from_unix_ms(unix_ms: u64) -> String {
    let seconds = unix_ms / 1000;
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        unix_ms % 1000
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days`, restricted to dates after the epoch.
fn civil_from_days(days_since_epoch: u64) -> (u64, u64, u64) {
    let days = days_since_epoch + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MAX_KEY_BYTES;
    use crate::session::SESSION_ID_BYTES;

    const ORIGIN: &str = "https://docs.test";
    const VISITOR: &str = "0123456789abcdef0123456789abcdef";
    const OTHER_VISITOR: &str = "fedcba9876543210fedcba9876543210";

    fn config() -> EdgeConfig {
        EdgeConfig::new(vec!["light".into()], "test")
    }

    fn context() -> RequestContext {
        RequestContext {
            now_unix_ms: 1_700_000_000_000,
            fresh_session: SessionId::from_random_bytes([9; SESSION_ID_BYTES]),
        }
    }

    fn session(id: &str) -> SessionId {
        SessionId::parse(id).expect("valid id")
    }

    fn post(body: &str) -> EdgeRequest {
        EdgeRequest::new(Method::Post, ORIGIN, "/api/kv/flags")
            .with_header("content-type", "application/json")
            .with_header("cookie", format!("session={VISITOR}"))
            .with_body(body.as_bytes().to_vec())
    }

    fn entry(prefix: &str, name: &str, metadata: serde_json::Value) -> KvListEntry {
        KvListEntry {
            name: format!("{prefix}{name}"),
            expiration: None,
            metadata: Some(metadata),
        }
    }

    /// Runs a request through both phases against a snapshot built from `listing` for its prefix.
    fn run(request: &EdgeRequest, listing: Vec<KvListEntry>) -> (Option<KvReads>, Outcome) {
        match start(request, &context(), &config()) {
            Err(error) => (None, error.into()),
            Ok(ApiStep::Done(outcome)) => (None, outcome),
            Ok(ApiStep::NeedsKv { reads, pending }) => {
                let PendingKind::Flags(pending) = pending.0 else {
                    panic!("flags pending")
                };
                let snapshot = KvSnapshot::new().with_listing(reads.lists[0].prefix.clone(), listing);
                let outcome = finish(pending, &snapshot, &config()).unwrap_or_else(Outcome::from);
                (Some(reads), outcome)
            }
        }
    }

    #[test]
    fn rfc3339_formatting() {
        assert_eq!(rfc3339_from_unix_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_from_unix_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_from_unix_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_from_unix_ms(4_102_444_799_000), "2099-12-31T23:59:59.000Z");
    }

    #[test]
    fn list_reads_only_the_visitors_tenant_prefix_and_answers_from_metadata() {
        let request = EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme")
            .with_header("cookie", format!("session={VISITOR}"));
        let prefix = flag_prefix(&session(VISITOR), "acme");
        let listing = vec![
            entry(
                &prefix,
                "beta-search",
                serde_json::json!({ "enabled": false, "createdAt": "2023-11-14T22:13:20.000Z", "createdBy": "ana" }),
            ),
            KvListEntry {
                name: format!("{prefix}bulk-export"),
                expiration: Some(1_700_086_400),
                metadata: None,
            },
        ];
        let (reads, outcome) = run(&request, listing);
        let reads = reads.expect("a listing");
        assert!(reads.gets.is_empty(), "values are never fetched");
        assert_eq!(
            reads.lists,
            vec![KvList {
                prefix: format!("flag:{VISITOR}:acme:"),
                max_keys: MAX_LIST_PAGE_KEYS
            }]
        );
        assert_eq!(
            outcome.response.json_body().expect("JSON"),
            serde_json::json!({ "flags": [
                { "name": "beta-search", "enabled": false, "createdAt": "2023-11-14T22:13:20.000Z", "createdBy": "ana" },
                { "name": "bulk-export", "enabled": true, "createdAt": null, "expiresAt": "2023-11-15T22:13:20.000Z" },
            ]})
        );
    }

    #[test]
    fn another_session_lists_another_prefix() {
        let request = EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme")
            .with_header("cookie", format!("session={OTHER_VISITOR}"));
        let (reads, _) = run(&request, Vec::new());
        assert_eq!(
            reads.expect("a listing").lists[0].prefix,
            format!("flag:{OTHER_VISITOR}:acme:")
        );
        let anonymous = EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme");
        let (reads, outcome) = run(&anonymous, Vec::new());
        assert!(reads.is_none(), "no session: nothing to read");
        assert_eq!(
            outcome.response.json_body().expect("JSON"),
            serde_json::json!({ "flags": [] })
        );
    }

    #[test]
    fn post_writes_one_flag_with_metadata_and_a_day_of_life() {
        let (reads, outcome) = run(
            &post(r#"{"tenant":"acme","name":"new-dashboard","enabled":true,"createdBy":"ana"}"#),
            Vec::new(),
        );
        assert!(reads.is_some(), "an existing session counts its flags first");
        assert_eq!(outcome.response.status, 201);
        let metadata =
            serde_json::json!({ "enabled": true, "createdAt": "2023-11-14T22:13:20.000Z", "createdBy": "ana" });
        assert_eq!(
            outcome.writes,
            vec![KvWrite {
                key: format!("flag:{VISITOR}:acme:new-dashboard"),
                value: metadata.to_string(),
                expiration_ttl: Some(86_400),
                metadata: Some(metadata),
            }]
        );
    }

    #[test]
    fn the_flag_limit_counts_only_new_names() {
        let prefix = flag_prefix(&session(VISITOR), "acme");
        let full: Vec<_> = (0..50)
            .map(|index| entry(&prefix, &format!("flag-{index}"), serde_json::json!({})))
            .collect();
        let (_, outcome) = run(&post(r#"{"tenant":"acme","name":"one-more"}"#), full.clone());
        assert_eq!(outcome.response.status, 409);
        assert!(outcome.writes.is_empty());
        let (_, outcome) = run(&post(r#"{"tenant":"acme","name":"flag-7","enabled":false}"#), full);
        assert_eq!(outcome.response.status, 200, "replacing an existing flag is allowed");
        assert_eq!(outcome.writes.len(), 1);
    }

    #[test]
    fn bad_input_is_refused_and_writes_nothing() {
        let long_name = "n".repeat(MAX_KEY_BYTES);
        let long_description = "d".repeat(1100);
        let cases: Vec<(&str, EdgeRequest, u16, &str)> = vec![
            ("malformed JSON", post("{"), 400, "malformed_json"),
            ("missing tenant", post(r#"{"name":"x"}"#), 422, "invalid_field"),
            (
                "tenant with colon",
                post(r#"{"tenant":"acme:x","name":"x"}"#),
                422,
                "invalid_field",
            ),
            (
                "tenant too long",
                post(&format!(r#"{{"tenant":"{}","name":"x"}}"#, "a".repeat(65))),
                422,
                "invalid_field",
            ),
            (
                "upper-case name",
                post(r#"{"tenant":"acme","name":"New"}"#),
                422,
                "invalid_field",
            ),
            (
                "name with slash",
                post(r#"{"tenant":"acme","name":"a/b"}"#),
                422,
                "invalid_field",
            ),
            (
                "enabled not bool",
                post(r#"{"tenant":"acme","name":"x","enabled":"yes"}"#),
                422,
                "invalid_field",
            ),
            (
                "unknown field",
                post(r#"{"tenant":"acme","name":"x","value":"y"}"#),
                422,
                "invalid_field",
            ),
            (
                "key over 512 bytes",
                post(&format!(r#"{{"tenant":"acme","name":"{long_name}"}}"#)),
                422,
                "key_too_long",
            ),
            (
                "metadata over 1024 bytes",
                post(&format!(
                    r#"{{"tenant":"acme","name":"x","description":"{long_description}"}}"#
                )),
                422,
                "metadata_too_large",
            ),
            (
                "body over 8 KiB",
                post(&format!(
                    r#"{{"tenant":"acme","name":"x","description":"{}"}}"#,
                    "d".repeat(8200)
                )),
                413,
                "body_too_large",
            ),
            (
                "form body",
                post(r#"{"tenant":"acme","name":"x"}"#).with_header("content-type", "text/plain"),
                415,
                "unsupported_media_type",
            ),
            (
                "cross-site",
                post(r#"{"tenant":"acme","name":"x"}"#).with_header("sec-fetch-site", "cross-site"),
                403,
                "cross_origin",
            ),
            (
                "missing tenant query",
                EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags"),
                400,
                "invalid_query",
            ),
            (
                "bad tenant query",
                EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=ACME"),
                400,
                "invalid_query",
            ),
            (
                "PUT",
                EdgeRequest::new(Method::Put, ORIGIN, "/api/kv/flags"),
                405,
                "method_not_allowed",
            ),
        ];
        for (name, mut request, status, code) in cases {
            if name == "form body" {
                request
                    .headers
                    .retain(|(header, value)| !(header == "content-type" && value == "application/json"));
            }
            let (_, outcome) = run(&request, Vec::new());
            assert_eq!(
                outcome.response.status,
                status,
                "{name}: {:?}",
                outcome.response.json_body()
            );
            assert_eq!(
                outcome.response.json_body().expect("JSON")["error"]["code"],
                code,
                "{name}"
            );
            assert!(outcome.writes.is_empty(), "{name}");
        }
    }

    #[test]
    fn post_without_session_mints_one_and_skips_the_count() {
        let mut request = post(r#"{"tenant":"acme","name":"x"}"#);
        request.headers.retain(|(header, _)| header != "cookie");
        let (reads, outcome) = run(&request, Vec::new());
        assert!(reads.is_none());
        assert_eq!(outcome.response.status, 201);
        assert!(
            outcome
                .response
                .header("set-cookie")
                .is_some_and(|cookie| cookie.starts_with("session="))
        );
        assert!(
            outcome.writes[0]
                .key
                .starts_with(&format!("flag:{}:acme:", context().fresh_session.as_str()))
        );
    }
}
