//! `GET /entities/{id}`: one entity in FollowTheMoney form, as yente returns it.

use axum::Json;
use axum::extract::{Path, State};

use crate::server::error::{ApiError, ApiResult};
use crate::server::ftm::{FtmEntity, render};
use crate::server::params::excerpt;
use crate::server::state::AppState;

/// One entity in FollowTheMoney form, as yente's `/entities/{id}`.
#[utoipa::path(get, path = "/entities/{id}", tag = "matching", security(("api_key" = ["read"]), ("bearer" = ["read"])),
    params(("id" = String, Path, description = "The entity id, `<list>:<id in the source>`")),
    responses((status = 200, description = "The entity", body = crate::server::ftm::FtmEntity), crate::server::openapi::Failures))]
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
