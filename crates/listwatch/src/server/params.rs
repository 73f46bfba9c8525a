//! Query-string parameters, read by hand so that a repeated parameter
//! (`include_dataset=a&include_dataset=b`, as yente's clients send them) gives every value, and
//! a bad value is an error in the server's format with the parameter's name.

use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;

/// The parameters of a request, in order.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Params(form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
}

impl Params {
    /// The last value of `name`, if given and not blank.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// Every value of `name` (`name=a&name=b`, and `name=a,b`).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// `name` parsed, or `default` when absent; a value that does not parse is a 400 that says
    /// what was expected.
    pub(crate) fn parse<T: FromStr>(
        &self,
        name: &str,
        default: T,
        expected: &str,
    ) -> Result<T, ApiError> {
        match self.raw(name) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| {
                ApiError::invalid(
                    "invalid_parameter",
                    format!("{name}: expected {expected}, got {:?}", excerpt(text)),
                )
            }),
        }
    }

    /// The last value of `name` as given, blank or not.
    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim())
    }

    /// A `YYYY-MM-DD` date (a timestamp's date part is taken), or `None` when absent. A date
    /// given empty is an error: an as-of question must not fall back to today unnoticed.
    pub(crate) fn date(&self, name: &str) -> Result<Option<listwatch_model::Date>, ApiError> {
        let Some(text) = self.raw(name) else { return Ok(None) };
        if text.is_empty() {
            return Err(ApiError::invalid(
                "invalid_date",
                format!("{name} is empty: give a date (YYYY-MM-DD) or leave the parameter out"),
            ));
        }
        let day = text.get(..10).unwrap_or(text);
        listwatch_model::Date::parse_iso(day).map(Some).map_err(|e| {
            ApiError::invalid("invalid_date", format!("{name}: {e} (expected YYYY-MM-DD)"))
        })
    }
}

/// At most 64 characters of what the client sent, for a message.
pub(crate) fn excerpt(text: &str) -> String {
    crate::input::excerpt(text, 64)
}
