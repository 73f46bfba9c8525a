//! `GET /entities/{id}`: one entity in FollowTheMoney form, as yente returns it.

use axum::Json;
use axum::extract::{Path, State};

use crate::server::error::{ApiError, ApiResult};
use crate::server::ftm::{FtmEntity, render};
use crate::server::params::excerpt;
use crate::server::state::AppState;

pub(crate) async fn entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<FtmEntity>> {
    let snapshot = state.snapshot();
    let entry = snapshot.catalog.get(&id).ok_or_else(|| {
        ApiError::not_found("unknown_entity", format!("no entity {:?} in the store", excerpt(&id)))
    })?;
    Ok(Json(render(&snapshot, entry)))
}
