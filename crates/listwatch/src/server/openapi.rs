//! The OpenAPI 3.1 description of the server, built from the code: every route is registered
//! through `utoipa_axum::routes!` from its handler's `#[utoipa::path]` annotation, so a route
//! cannot exist without its description nor a description without its route. The wire types of
//! the yente-compatible endpoints derive their schemas; the native endpoints answer with the
//! command line's `--json`, described in words.
//!
//! `GET /openapi.json` serves the document; `GET /docs` renders it as one plain HTML page with
//! no script and nothing fetched from elsewhere, for networks without the internet.

use std::fmt::Write as _;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The error body of every failure.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

/// What went wrong, with a stable code and the request's id.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// A stable code: `invalid_parameter`, `invalid_json`, `invalid_request`, `unknown_dataset`,
    /// `unknown_schema`, `unknown_entity`, `unknown_list`, `too_many_queries`,
    /// `payload_too_large`, `unauthorized`, `forbidden`, `rate_limited`, `timeout`, `internal`...
    pub(crate) code: String,
    /// A sentence for a person.
    pub(crate) message: String,
    /// The `x-request-id` of the response.
    pub(crate) request_id: String,
}

/// A native endpoint's answer: the JSON of the command line's `--json` for the same question.
#[derive(Serialize, ToSchema)]
#[schema(value_type = Object)]
pub(crate) struct CliJson(serde_json::Value);

/// A native endpoint's answer that is a list: the JSON array of the command line's `--json`.
#[derive(Serialize, ToSchema)]
#[schema(value_type = Vec<Object>)]
pub(crate) struct CliJsonList(serde_json::Value);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "listwatch",
        description = "Restricted-party lists over time: OpenSanctions-compatible matching and search, and the versions, diffs, as-of status, holdings checks, batch screening, monitoring alerts and audit log of the command line.\n\nEvery response carries `x-request-id`; every failure has the body `{\"error\": {\"code\", \"message\", \"request_id\"}}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&Security),
    components(schemas(ErrorBody, ErrorDetail, CliJson, CliJsonList, crate::server::routes::alerts::AlertState, crate::server::routes::matching::EntityExample)),
    tags(
        (name = "matching", description = "OpenSanctions (yente) compatible: same paths, parameters and JSON shapes."),
        (name = "lists", description = "What the store holds: lists, versions and what changed between them."),
        (name = "status", description = "As-of questions: restricted on a day, known on a day, and why."),
        (name = "entities", description = "One entity's life: history, timeline and recorded legal events."),
        (name = "screening", description = "Batch screening and holdings checks, with the command line's JSON."),
        (name = "monitoring", description = "Watches, the alerts they raised, and the decisions taken on them."),
        (name = "operations", description = "Health, readiness, metrics and the audit log."),
    ),
)]
pub(crate) struct ApiDoc;

/// The ways a client presents its key.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`ApiKey <key>` as OpenSanctions' clients send it (`X-API-Key: <key>` also works). Without a key file the server answers loopback clients only.",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as served: compact JSON.
pub(crate) fn json(openapi: &utoipa::openapi::OpenApi) -> String {
    openapi.to_json().unwrap_or_else(|err| {
        // The document is built from the code's own types; failing to serialize it is a bug.
        format!("{{\"error\":{{\"code\":\"internal\",\"message\":\"{err}\"}}}}")
    })
}

/// `GET /openapi.json`.
pub(crate) fn serve_json(body: &str) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// `GET /docs`: the page, with a policy that allows nothing but its own stylesheet.
pub(crate) fn serve_html(body: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /docs/style.css`.
pub(crate) fn serve_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1b1b1b}\
code,pre{font:14px ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}\
section.op{border-top:1px solid #ccc;margin-top:1.5rem}\
.method{font-weight:bold;text-transform:uppercase;margin-right:.5em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
nav li{list-style:none}";

/// Renders the document as one HTML page: the endpoints by tag, each with its parameters, body
/// and responses, then the schemas.
pub(crate) fn html(openapi: &utoipa::openapi::OpenApi) -> String {
    let doc = serde_json::to_value(openapi).unwrap_or_default();
    let mut out = String::new();
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let version = doc["info"]["version"].as_str().unwrap_or("");
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} API</title><link rel=\"stylesheet\" href=\"/docs/style.css\"></head><body><main><h1>{} {} HTTP API</h1>",
        esc(title),
        esc(title),
        esc(version)
    );
    paragraphs(&mut out, doc["info"]["description"].as_str().unwrap_or(""));
    out.push_str(
        "<p>The machine-readable description (OpenAPI 3.1) is at <a href=\"/openapi.json\"><code>/openapi.json</code></a>.</p>",
    );
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let mut operations: Vec<(String, String, String, &serde_json::Value)> = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "delete", "patch"] {
            if let Some(op) = item.get(method) {
                let tag = op["tags"][0].as_str().unwrap_or("other").to_string();
                operations.push((tag, path.clone(), method.to_string(), op));
            }
        }
    }
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| {
                    (
                        t["name"].as_str().unwrap_or("").to_string(),
                        t["description"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.push_str("<nav aria-label=\"Endpoints\"><h2>Endpoints</h2><ul>");
    for (tag, _) in &tags {
        for (_, path, method, _) in operations.iter().filter(|o| &o.0 == tag) {
            let _ = write!(
                out,
                "<li><a href=\"#{}\"><span class=\"method\">{}</span><code>{}</code></a></li>",
                anchor(method, path),
                esc(method),
                esc(path)
            );
        }
    }
    out.push_str("</ul></nav>");
    for (tag, description) in &tags {
        let _ = write!(out, "<h2>{}</h2><p>{}</p>", esc(tag), esc(description));
        for (_, path, method, op) in operations.iter().filter(|o| &o.0 == tag) {
            operation(&mut out, path, method, op);
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(
                out,
                "<section><h3 id=\"schema-{}\">{}</h3>",
                esc(&name.to_ascii_lowercase()),
                esc(name)
            );
            if let Some(text) = schema["description"].as_str() {
                paragraphs(&mut out, text);
            }
            let _ = write!(
                out,
                "<pre>{}</pre></section>",
                esc(&serde_json::to_string_pretty(schema).unwrap_or_default())
            );
        }
    }
    out.push_str("</main></body></html>");
    out
}

fn operation(out: &mut String, path: &str, method: &str, op: &serde_json::Value) {
    let _ = write!(
        out,
        "<section class=\"op\"><h3 id=\"{}\"><span class=\"method\">{}</span><code>{}</code></h3>",
        anchor(method, path),
        esc(method),
        esc(path)
    );
    if let Some(summary) = op["summary"].as_str() {
        let _ = write!(out, "<p><strong>{}</strong></p>", esc(summary));
    }
    if let Some(description) = op["description"].as_str() {
        paragraphs(out, description);
    }
    if let Some(security) = op["security"].as_array()
        && let Some(scope) = security.iter().find_map(|s| s["api_key"][0].as_str())
    {
        let _ = write!(out, "<p>Scope: <code>{}</code></p>", esc(scope));
    }
    if let Some(parameters) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str("<table><caption>Parameters</caption><thead><tr><th scope=\"col\">name</th><th scope=\"col\">in</th><th scope=\"col\">type</th><th scope=\"col\">description</th></tr></thead><tbody>");
        for p in parameters {
            let required = if p["required"].as_bool() == Some(true) { " (required)" } else { "" };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                required,
                esc(p["in"].as_str().unwrap_or("")),
                esc(&type_of(&p["schema"])),
                esc(p["description"].as_str().unwrap_or(""))
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        out.push_str("<p>Request body: ");
        for (media, body) in content {
            let _ = write!(out, "<code>{}</code> {} ", esc(media), esc(&type_of(&body["schema"])));
        }
        if let Some(text) = op["requestBody"]["description"].as_str() {
            let _ = write!(out, "— {}", esc(text));
        }
        out.push_str("</p>");
    }
    if let Some(responses) = op["responses"].as_object() {
        out.push_str("<table><caption>Responses</caption><thead><tr><th scope=\"col\">status</th><th scope=\"col\">body</th><th scope=\"col\">description</th></tr></thead><tbody>");
        for (status, response) in responses {
            let body = response["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(media, b)| format!("{media} {}", type_of(&b["schema"])))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                esc(&body),
                esc(response["description"].as_str().unwrap_or(""))
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

/// A short name for a schema: its component's name, or its type.
fn type_of(schema: &serde_json::Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_string();
    }
    if schema["type"] == "array" {
        return format!("array of {}", type_of(&schema["items"]));
    }
    match &schema["type"] {
        serde_json::Value::String(t) => t.clone(),
        serde_json::Value::Array(ts) => {
            ts.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join(" or ")
        }
        _ if schema.get("oneOf").is_some() || schema.get("allOf").is_some() => "object".into(),
        _ => "any".into(),
    }
}

fn anchor(method: &str, path: &str) -> String {
    let mut id = format!("{method}-");
    for c in path.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    id
}

fn paragraphs(out: &mut String, text: &str) {
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let _ = write!(out, "<p>{}</p>", esc(paragraph.trim()));
    }
}

/// HTML-escapes text for an element or a quoted attribute.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The failures of every endpoint that asks for a key.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Failures {
    /// A parameter or the body cannot be used (`invalid_parameter`, `invalid_date`,
    /// `unknown_schema`, `invalid_json`, `invalid_body`, `invalid_query`, `too_many_queries`,
    /// `invalid_csv`...).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No key, or an unknown key (`unauthorized`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The key lacks the scope, or a non-loopback client without a key file (`forbidden`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The path names something the store does not hold (`unknown_dataset`, `unknown_entity`,
    /// `unknown_list`, `not_found`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The endpoint does not take that method (`method_not_allowed`).
    #[response(status = 405)]
    MethodNotAllowed(ErrorBody),
    /// The key sent more requests than its rate allows (`rate_limited`); `retry-after` says when
    /// to try again.
    #[response(status = 429)]
    RateLimited(ErrorBody),
    /// The request took longer than the server's limit (`timeout`).
    #[response(status = 503)]
    Timeout(ErrorBody),
}

/// The failures only an endpoint with a body has, besides [`Failures`].
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum BodyFailures {
    /// The body is larger than the server's limit (`payload_too_large`).
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// The body is JSON of the wrong shape (`invalid_request`).
    #[response(status = 422)]
    Unprocessable(ErrorBody),
}
