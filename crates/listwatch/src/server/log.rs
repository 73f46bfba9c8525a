//! The server's log on standard error: one JSON object a line when standard error is not a
//! terminal (a service manager, a container, a file), readable text when it is.
//! `LISTWATCH_LOG_FORMAT=json|text` chooses explicitly. Every line has a time, a level and a
//! message; a request's line has its request id, the key's name, method, path, status and time.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

/// How bad it is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

fn json_lines() -> bool {
    static JSON: OnceLock<bool> = OnceLock::new();
    *JSON.get_or_init(|| match std::env::var("LISTWATCH_LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("text") => false,
        _ => !std::io::stderr().is_terminal(),
    })
}

/// Logs `message` with `fields`.
pub(crate) fn event(level: Level, message: &str, fields: &[(&str, serde_json::Value)]) {
    write_line(render(json_lines(), level, message, fields));
}

/// Writes one line to standard error in one call: standard error is unbuffered, and a line
/// formatted straight into it costs a system call per piece.
fn write_line(mut line: String) {
    line.push('\n');
    // A log that cannot be written is not a reason to fail a request.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// One line of the log, as JSON or as text.
fn render(json: bool, level: Level, message: &str, fields: &[(&str, serde_json::Value)]) -> String {
    if json {
        let mut object = serde_json::Map::new();
        object.insert("ts".into(), crate::cli::import::now_rfc3339().into());
        object.insert("level".into(), level.as_str().into());
        object.insert("msg".into(), message.into());
        for (name, value) in fields {
            object.insert((*name).to_string(), value.clone());
        }
        serde_json::Value::Object(object).to_string()
    } else {
        let mut text = format!("listwatch serve: {message}");
        if let Level::Warn | Level::Error = level {
            text = format!("listwatch serve: {}: {message}", level.as_str());
        }
        for (name, value) in fields {
            match value {
                serde_json::Value::String(s) => text.push_str(&format!(" {name}={s}")),
                other => text.push_str(&format!(" {name}={other}")),
            }
        }
        text
    }
}

/// Logs `message` at level info.
pub(crate) fn info(message: &str) {
    event(Level::Info, message, &[]);
}

/// Logs `message` at level warn.
pub(crate) fn warn(message: &str) {
    event(Level::Warn, message, &[]);
}

/// Logs `message` at level error.
pub(crate) fn error(message: &str) {
    event(Level::Error, message, &[]);
}

/// Logs one answered request.
pub(crate) fn request(id: &str, key: &str, method: &str, path: &str, status: u16, ms: f64) {
    if json_lines() {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            ts: String,
            level: &'static str,
            msg: &'static str,
            request_id: &'a str,
            key: &'a str,
            method: &'a str,
            path: &'a str,
            status: u16,
            ms: f64,
        }
        let line = Line {
            ts: crate::cli::import::now_rfc3339(),
            level: if status >= 500 { "error" } else { "info" },
            msg: "request",
            request_id: id,
            key,
            method,
            path,
            status,
            ms: (ms * 100.0).round() / 100.0,
        };
        write_line(serde_json::to_string(&line).unwrap_or_default());
    } else {
        write_line(format!(
            "{method} {} {status} {ms:.2} ms key={key} id={id}",
            crate::output::clean(path)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_json_for_machines_and_text_for_people() {
        let fields = [("entities", serde_json::json!(12)), ("list", serde_json::json!("un-sc"))];
        let line = render(true, Level::Warn, "a new snapshot", &fields);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["level"], "warn");
        assert_eq!(value["msg"], "a new snapshot");
        assert_eq!(value["entities"], 12);
        assert!(value["ts"].as_str().unwrap().ends_with('Z'));
        let text = render(false, Level::Warn, "a new snapshot", &fields);
        assert_eq!(text, "listwatch serve: warn: a new snapshot entities=12 list=un-sc");
    }
}
