//! `/api/kv/flags`: the keyspace-as-index demo. Flags live under `flag:<sessionId>:<tenant>:<name>`,
//! so a tenant is scoped to the visitor's session and a listing can reach nothing but that visitor's
//! flags. GET lists the prefix and answers from key metadata alone (no value is fetched); it mints the
//! session when the visitor has none, as the demo page lists on load. POST needs a session (it never
//! mints one) and writes one flag with its metadata, expiring after a day: at most
//! [`crate::MAX_FLAGS_PER_TENANT`] a tenant, and at most [`crate::MAX_FLAG_WRITES_PER_SESSION`] writes
//! a session in any 24 hours across its tenants, counted from one listing of the session's keys.

use super::error::{ApiError, json_response};
use super::outcome::{Outcome, Step};
use super::request::{RequestContext, method_not_allowed, parse_json_object, require_body_within, require_same_origin};
use super::visitor::{SessionSource, Visitor, with_set_cookies};
use crate::config::{EdgeConfig, FLAG_LIFETIME_SECONDS};
use crate::http::{EdgeRequest, Method};
use crate::keys::{flag_key, flag_prefix, session_flags_prefix};
use crate::kv::{KvList, KvListEntry, KvReads, KvSnapshot, KvWrite, MAX_LIST_PAGE_KEYS, validate_kv_write};
use crate::session;
use crate::timestamp::rfc3339_from_unix_ms;

const ALLOWED_METHODS: &[Method] = &[Method::Get, Method::Post];
/// Longest tenant id, in characters.
pub(super) const MAX_TENANT_CHARS: usize = 64;
/// Longest `createdBy`, in characters.
pub(super) const MAX_CREATED_BY_CHARS: usize = 64;
const KNOWN_FIELDS: &[&str] = &["tenant", "name", "enabled", "createdBy", "description"];
/// The metadata field that counts how often a flag was written since it was created (it expires a
/// day after its last write). Not part of the flag the API shows.
const WRITES_FIELD: &str = "writes";

/// A flags request waiting for its listing.
#[derive(Debug)]
pub(super) struct PendingFlags {
    /// The prefix listed: the tenant's for a GET, the whole session's for a POST.
    listed: String,
    action: PendingAction,
    /// `Set-Cookie` lines for the response (the session moved to its prefixed name).
    set_cookies: Vec<String>,
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

/// A validated flag write, waiting for the session's listing to be counted.
#[derive(Debug)]
struct FlagWrite {
    tenant_prefix: String,
    name: String,
    key: String,
    /// The flag's metadata without its write count.
    metadata: serde_json::Value,
    now_unix_ms: u64,
}

pub(crate) fn start(
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> Result<Step<PendingFlags>, ApiError> {
    match request.method {
        Method::Get => start_list(request, context, config),
        Method::Post => start_write(request, context, config),
        _ => Err(method_not_allowed(request, ALLOWED_METHODS)),
    }
}

fn needs_listing(listed: String, action: PendingAction, set_cookies: Vec<String>) -> Step<PendingFlags> {
    Step::NeedsKv {
        reads: KvReads {
            gets: Vec::new(),
            lists: vec![KvList {
                prefix: listed.clone(),
                max_keys: MAX_LIST_PAGE_KEYS,
            }],
        },
        pending: PendingFlags {
            listed,
            action,
            set_cookies,
        },
    }
}

fn start_list(
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> Result<Step<PendingFlags>, ApiError> {
    let tenant = form_urlencoded::parse(request.query.as_bytes())
        .find(|(name, _)| name == "tenant")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| ApiError::InvalidQuery {
            name: "tenant",
            reason: "is required".into(),
        })?;
    validate_tenant(&tenant).map_err(|reason| ApiError::InvalidQuery { name: "tenant", reason })?;
    let visitor = Visitor::or_mint(request, context, config);
    let set_cookies = visitor.set_cookie_lines(false, config);
    if visitor.source == SessionSource::Minted {
        // A new session has no flags: nothing to read. Minting it here gives the demo page, which
        // lists on load, the session its first write needs.
        return Ok(Step::Done(Outcome::respond(with_set_cookies(
            json_response(200, &serde_json::json!({ "flags": [] })),
            set_cookies,
        ))));
    }
    Ok(needs_listing(
        flag_prefix(&visitor.session, &tenant),
        PendingAction::List,
        set_cookies,
    ))
}

fn start_write(
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> Result<Step<PendingFlags>, ApiError> {
    require_same_origin(request)?;
    require_body_within(request, config.max_api_body_bytes)?;
    if request.media_type().as_deref() != Some("application/json") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let body = parse_json_object(&request.body)?;
    let submitted = FlagSubmission::from_json(&body)?;
    let visitor = Visitor::from_cookies(request, config).ok_or(ApiError::SessionRequired {
        cookie: session::session_cookie_name(config),
    })?;

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
    let tenant_prefix = flag_prefix(&visitor.session, &submitted.tenant);
    let flag_write = FlagWrite {
        key: flag_key(&visitor.session, &submitted.tenant, &submitted.name),
        tenant_prefix,
        name: submitted.name,
        metadata,
        now_unix_ms: context.now_unix_ms,
    };
    // Checked with the largest write count the flag can carry, so the write made later fits too.
    validate_kv_write(&flag_write.kv_write(config.max_flag_writes_per_session)).map_err(ApiError::KvLimit)?;
    Ok(needs_listing(
        session_flags_prefix(&visitor.session),
        PendingAction::Write(flag_write),
        visitor.set_cookie_lines(false, config),
    ))
}

pub(crate) fn finish(pending: PendingFlags, snapshot: &KvSnapshot, config: &EdgeConfig) -> Result<Outcome, ApiError> {
    let listing = snapshot.listing(&pending.listed);
    match pending.action {
        PendingAction::List => {
            let flags: Vec<serde_json::Value> = listing
                .iter()
                .filter_map(|entry| flag_from_entry(&pending.listed, entry))
                .collect();
            Ok(Outcome::respond(with_set_cookies(
                json_response(200, &serde_json::json!({ "flags": flags })),
                pending.set_cookies,
            )))
        }
        PendingAction::Write(flag_write) => {
            let session_writes: usize = listing.iter().map(writes_of).sum();
            if session_writes >= config.max_flag_writes_per_session {
                return Err(ApiError::SessionWriteLimit {
                    limit: config.max_flag_writes_per_session,
                    retry_after_seconds: seconds_until_first_expiry(listing, flag_write.now_unix_ms),
                });
            }
            let tenant: Vec<&KvListEntry> = listing
                .iter()
                .filter(|entry| entry.name.starts_with(flag_write.tenant_prefix.as_str()))
                .collect();
            let replaced = tenant.iter().find(|entry| entry.name == flag_write.key);
            if replaced.is_none() && tenant.len() >= config.max_flags_per_tenant {
                return Err(ApiError::TooManyFlags {
                    limit: config.max_flags_per_tenant,
                });
            }
            let writes = replaced.map_or(0, |entry| writes_of(entry)) + 1;
            let write = flag_write.kv_write(writes);
            let mut flag = flag_write.metadata;
            flag["name"] = flag_write.name.into();
            let status = if replaced.is_some() { 200 } else { 201 };
            Ok(Outcome {
                response: with_set_cookies(
                    json_response(status, &serde_json::json!({ "flag": flag })),
                    pending.set_cookies,
                ),
                writes: vec![write],
            })
        }
    }
}

impl FlagWrite {
    /// The KV write of this flag as written for the `writes`-th time.
    fn kv_write(&self, writes: usize) -> KvWrite {
        let mut metadata = self.metadata.clone();
        metadata[WRITES_FIELD] = writes.into();
        KvWrite {
            key: self.key.clone(),
            value: metadata.to_string(),
            expiration_ttl: Some(FLAG_LIFETIME_SECONDS),
            metadata: Some(metadata),
        }
    }
}

/// How many writes a listed flag stands for: its metadata's count, at least one (flags written before
/// the count existed, or with metadata someone else wrote, count once).
fn writes_of(entry: &KvListEntry) -> usize {
    entry
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get(WRITES_FIELD))
        .and_then(serde_json::Value::as_u64)
        .map_or(1, |writes| usize::try_from(writes).unwrap_or(usize::MAX).max(1))
}

/// Seconds from now until the first of the listed keys expires (and its writes stop counting).
fn seconds_until_first_expiry(listing: &[KvListEntry], now_unix_ms: u64) -> Option<u64> {
    let now_seconds = now_unix_ms / 1000;
    listing
        .iter()
        .filter_map(|entry| entry.expiration)
        .min()
        .map(|expiration| expiration.saturating_sub(now_seconds))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MAX_KEY_BYTES;
    use crate::test_support::{ORIGIN, OTHER_VISITOR, VISITOR, config, context, request, session, visitor_cookie};

    fn post(body: &str) -> EdgeRequest {
        request(Method::Post, "/api/kv/flags")
            .with_header("content-type", "application/json")
            .with_header("cookie", visitor_cookie())
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
            Ok(Step::Done(outcome)) => (None, outcome),
            Ok(Step::NeedsKv { reads, pending }) => {
                let snapshot = KvSnapshot::new().with_listing(reads.lists[0].prefix.clone(), listing);
                let outcome = finish(pending, &snapshot, &config()).unwrap_or_else(Outcome::from);
                (Some(reads), outcome)
            }
        }
    }

    #[test]
    fn list_reads_only_the_visitors_tenant_prefix_and_answers_from_metadata() {
        let request = EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme")
            .with_header("cookie", format!("__Host-session={VISITOR}"));
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
            .with_header("cookie", format!("__Host-session={OTHER_VISITOR}"));
        let (reads, outcome) = run(&request, Vec::new());
        assert_eq!(
            reads.expect("a listing").lists[0].prefix,
            format!("flag:{OTHER_VISITOR}:acme:")
        );
        assert!(
            outcome.response.header("set-cookie").is_none(),
            "a known session is not set again"
        );
    }

    #[test]
    fn listing_without_a_session_mints_one_and_reads_nothing() {
        let anonymous = EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme");
        let (reads, outcome) = run(&anonymous, Vec::new());
        assert!(reads.is_none(), "a new session has nothing to read");
        assert_eq!(
            outcome.response.json_body().expect("JSON"),
            serde_json::json!({ "flags": [] })
        );
        let cookie = outcome.response.header("set-cookie").expect("minted");
        assert!(
            cookie.starts_with(&format!("__Host-session={};", context().fresh_session.as_str())),
            "{cookie}"
        );
        assert!(outcome.writes.is_empty());
    }

    #[test]
    fn post_writes_one_flag_with_metadata_and_a_day_of_life() {
        let (reads, outcome) = run(
            &post(r#"{"tenant":"acme","name":"new-dashboard","enabled":true,"createdBy":"ana"}"#),
            Vec::new(),
        );
        assert_eq!(
            reads.expect("an existing session counts its flags first").lists,
            vec![KvList {
                prefix: format!("flag:{VISITOR}:"),
                max_keys: MAX_LIST_PAGE_KEYS
            }],
            "one listing of the whole session, for its tenant and its session-wide counts"
        );
        assert_eq!(outcome.response.status, 201);
        let metadata = serde_json::json!({
            "enabled": true, "createdAt": "2023-11-14T22:13:20.000Z", "createdBy": "ana", "writes": 1
        });
        assert_eq!(
            outcome.writes,
            vec![KvWrite {
                key: format!("flag:{VISITOR}:acme:new-dashboard"),
                value: metadata.to_string(),
                expiration_ttl: Some(86_400),
                metadata: Some(metadata),
            }]
        );
        assert_eq!(
            outcome.response.json_body().expect("JSON")["flag"],
            serde_json::json!({
                "name": "new-dashboard", "enabled": true, "createdAt": "2023-11-14T22:13:20.000Z", "createdBy": "ana"
            }),
            "the write count is the edge's, not part of the flag"
        );
    }

    #[test]
    fn the_flag_limit_counts_only_new_names_in_the_tenant() {
        let prefix = flag_prefix(&session(VISITOR), "acme");
        let other_tenant = flag_prefix(&session(VISITOR), "acme-2");
        let mut full: Vec<_> = (0..50)
            .map(|index| entry(&prefix, &format!("flag-{index}"), serde_json::json!({})))
            .collect();
        let (_, outcome) = run(&post(r#"{"tenant":"acme","name":"one-more"}"#), full.clone());
        assert_eq!(outcome.response.status, 409);
        assert!(outcome.writes.is_empty());
        full.push(entry(&other_tenant, "flag-7", serde_json::json!({ "writes": 4 })));
        full[7] = entry(&prefix, "flag-7", serde_json::json!({ "writes": 3 }));
        let (_, outcome) = run(
            &post(r#"{"tenant":"acme","name":"flag-7","enabled":false}"#),
            full.clone(),
        );
        assert_eq!(outcome.response.status, 200, "replacing an existing flag is allowed");
        assert_eq!(
            outcome.writes[0].metadata.as_ref().expect("metadata")["writes"],
            4,
            "a replaced flag's count goes on from its own, not another tenant's"
        );
        let (_, outcome) = run(&post(r#"{"tenant":"acme-2","name":"new"}"#), full);
        assert_eq!(outcome.response.status, 201, "another tenant of the session has room");
    }

    #[test]
    fn a_session_makes_at_most_100_flag_writes_a_day_across_its_tenants() {
        let in_tenant = |tenant: &str, name: &str, writes: Option<u64>, expires_in: u64| KvListEntry {
            name: format!("{}{name}", flag_prefix(&session(VISITOR), tenant)),
            expiration: Some(1_700_000_000 + expires_in),
            metadata: Some(writes.map_or_else(
                || serde_json::json!({}),
                |writes| serde_json::json!({ "writes": writes }),
            )),
        };
        // 40 flags in each of two tenants, written once each: 80 writes.
        let spread: Vec<KvListEntry> = (0..80)
            .map(|index| in_tenant(if index < 40 { "a" } else { "b" }, &format!("f{index}"), Some(1), 7200))
            .collect();
        let with = |extra: Vec<KvListEntry>| spread.iter().cloned().chain(extra).collect::<Vec<_>>();
        // (name, listing, the post, status, Retry-After)
        type Case = (&'static str, Vec<KvListEntry>, &'static str, u16, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (
                "80 writes: room left",
                spread.clone(),
                r#"{"tenant":"c","name":"x"}"#,
                201,
                None,
            ),
            (
                "99 writes: the 100th is allowed",
                with(vec![in_tenant("c", "busy", Some(19), 600)]),
                r#"{"tenant":"d","name":"x"}"#,
                201,
                None,
            ),
            (
                "100 writes in a third tenant: refused until the first flag expires",
                with(vec![in_tenant("c", "busy", Some(20), 600)]),
                r#"{"tenant":"d","name":"x"}"#,
                429,
                Some("600"),
            ),
            (
                "100 writes: changing an existing flag is a write too",
                with(vec![in_tenant("c", "busy", Some(20), 600)]),
                r#"{"tenant":"c","name":"busy","enabled":false}"#,
                429,
                Some("600"),
            ),
            (
                "flags without a count count once",
                (0..100)
                    .map(|index| in_tenant("e", &format!("f{index}"), None, 60))
                    .collect(),
                r#"{"tenant":"f","name":"x"}"#,
                429,
                Some("60"),
            ),
        ];
        for (name, listing, body, status, retry_after) in cases {
            let (_, outcome) = run(&post(body), listing);
            assert_eq!(
                outcome.response.status,
                status,
                "{name}: {:?}",
                outcome.response.json_body()
            );
            assert_eq!(outcome.response.header("retry-after"), retry_after, "{name}");
            if status == 429 {
                assert!(outcome.writes.is_empty(), "{name}");
                assert_eq!(
                    outcome.response.json_body().expect("JSON")["error"]["code"],
                    "session_write_limit",
                    "{name}"
                );
            }
        }
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
    fn post_without_session_is_refused_and_mints_nothing() {
        let mut request = post(r#"{"tenant":"acme","name":"x"}"#);
        request.headers.retain(|(header, _)| header != "cookie");
        let (reads, outcome) = run(&request, Vec::new());
        assert!(reads.is_none(), "nothing to read without a session");
        assert_eq!(outcome.response.status, 403);
        let body = outcome.response.json_body().expect("JSON");
        assert_eq!(body["error"]["code"], "session_required");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("`__Host-session`") && message.contains("GET /api/kv/theme"),
            "says how to get one: {message}"
        );
        assert!(outcome.response.header("set-cookie").is_none());
        assert!(outcome.writes.is_empty());
    }

    #[test]
    fn a_session_in_the_plain_cookie_writes_and_moves_to_the_prefixed_name() {
        let mut request = post(r#"{"tenant":"acme","name":"x"}"#);
        request.headers.retain(|(header, _)| header != "cookie");
        let request = request.with_header("cookie", format!("session={VISITOR}"));
        let (_, outcome) = run(&request, Vec::new());
        assert_eq!(outcome.response.status, 201);
        assert_eq!(outcome.writes[0].key, format!("flag:{VISITOR}:acme:x"));
        let cookies: Vec<&str> = outcome.response.header_values("set-cookie").collect();
        assert_eq!(cookies.len(), 2, "{cookies:?}");
        assert!(
            cookies[0].starts_with(&format!("__Host-session={VISITOR};")),
            "{cookies:?}"
        );
        assert!(cookies[1].starts_with("session=; Max-Age=0;"), "{cookies:?}");
    }
}
