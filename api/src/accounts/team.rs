//! A shop's team, kept by its manager (the roles below manager, in their own shop) or by an admin
//! (any shop and role): add a member, list them, change a role or a shop, deactivate. A member
//! added without a password gets a link to choose one (the password reset's code, valid longer).

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::rules::{self, NewAccount};
use crate::auth::{self, Authorized, CurrentUser, Managers, PasswordGate, Role};
use crate::db;
use crate::error::{AppError, AppResult, Violations};
use crate::http::{ApiJson, ApiQuery, PageParams};
use crate::mail::Mail;
use crate::schema::{shops, users};
use crate::state::AppState;

/// How long a new member's link to choose a first password stays valid.
pub const INVITATION_HOURS: i64 = 72;

/// The roles a manager gives in their own shop.
const BELOW_MANAGER: [Role; 3] = [Role::OrderTaker, Role::Pizzaiolo, Role::Delivery];

/// A member of a shop's team (or an admin) as the back office shows them.
#[derive(Serialize, ToSchema, Queryable, Selectable, Debug)]
#[diesel(table_name = users)]
pub struct StaffMember {
    pub id: Uuid,
    #[diesel(select_expression = users::email.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<users::email>)]
    #[schema(example = "luigi@ocpizza.fr")]
    pub email: String,
    #[schema(example = "Luigi Rossi")]
    pub full_name: String,
    pub phone: Option<String>,
    pub role: Role,
    /// Null for admins.
    pub shop_id: Option<Uuid>,
    /// False once deactivated: the account can no longer log in.
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

crate::page_schema!(
    /// A page of team members: `{"items": [...], "next_cursor": null | "…"}`.
    StaffPage,
    StaffMember
);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    #[schema(example = "luigi@ocpizza.fr")]
    pub email: String,
    #[schema(example = "Luigi Rossi")]
    pub full_name: String,
    /// `order_taker`, `pizzaiolo` or `delivery` (managers); any staff role or `admin` (admins).
    #[schema(example = "pizzaiolo")]
    pub role: String,
    /// The shop they work in; none for an admin.
    pub shop_id: Option<Uuid>,
    /// 10 to 128 characters. Without one, a link to choose it is mailed to them.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    pub phone: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    pub role: Option<String>,
    /// The shop they move to (admins; a manager only within their shop).
    pub shop_id: Option<Uuid>,
    /// False deactivates the account (its sessions end at once); true gives it back.
    pub active: Option<bool>,
    pub full_name: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffFilter {
    /// The shop whose team to list (a manager's own by default; every shop's for an admin).
    pub shop_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(pattern = "^o[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// Whether `who` may give `role` in `shop`: an admin anything, a manager the roles below theirs
/// in their own shop. `Err` says why not, as the problem to answer.
fn may_give(who: &CurrentUser, role: Role, shop: Option<Uuid>) -> AppResult<()> {
    if who.is_admin() {
        return Ok(());
    }
    if !BELOW_MANAGER.contains(&role) {
        return Err(AppError::Forbidden(
            "a manager gives the roles order_taker, pizzaiolo and delivery only".into(),
        ));
    }
    if shop != who.shop_id {
        return Err(AppError::Forbidden(
            "a manager keeps the team of their own shop only".into(),
        ));
    }
    Ok(())
}

fn parse_role(v: &mut Violations, text: &str) -> Option<Role> {
    match Role::parse(text) {
        Some(Role::Customer) | None => {
            v.add(
                "role",
                "invalid",
                "one of order_taker, pizzaiolo, delivery, manager, admin",
            );
            None
        }
        Some(role) => Some(role),
    }
}

fn load_member(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<StaffMember>> {
    Ok(users::table
        .find(id)
        .filter(users::role.ne(Role::Customer))
        .filter(users::email.is_not_null())
        .select(StaffMember::as_select())
        .first(conn)
        .optional()?)
}

/// Adds a member to a team (managers for their shop, admins). Without a password, they get a link
/// to choose one, valid 72 hours.
#[utoipa::path(post, tag = "team", security(("bearer" = [])),
    request_body = NewStaffRequest,
    responses(
        (status = 201, description = "Account created (and, without a password, the link mailed)", body = StaffMember),
        (status = 403, description = "Not a manager, another shop, or a role a manager does not give"),
        (status = 409, description = "An account already has this e-mail address (`email`)"),
        (status = 422, description = "Invalid field"),
        (status = 503, description = "Too many passwords being checked at once; see Retry-After")))]
#[post("/staff")]
pub async fn add_member(
    state: web::Data<AppState>,
    gate: web::Data<PasswordGate>,
    who: Authorized<Managers>,
    body: ApiJson<NewStaffRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let mut v = Violations::new();
    let role = parse_role(&mut v, &body.role);
    v.into_result()?;
    let role = role.ok_or_else(|| AppError::internal("role checked above"))?;
    may_give(&who.user, role, body.shop_id)?;
    let invited = body.password.is_none();
    // Nobody knows this one: the member chooses theirs through the link.
    let password = body.password.unwrap_or_else(|| auth::new_opaque_token().0);
    let permit = gate.enter().await?;
    let actor = who.user.id;
    let (member, invitation) = db::transaction(&state.pool, move |conn| {
        let _permit = permit;
        let user = rules::create_account(
            conn,
            NewAccount {
                email: body.email,
                password,
                full_name: body.full_name,
                phone: body.phone,
                role,
                shop_id: body.shop_id,
            },
        )?;
        let invitation = if invited {
            Some(super::resets::create_reset_token(
                conn,
                user.id,
                Duration::hours(INVITATION_HOURS),
            )?)
        } else {
            None
        };
        crate::audit::record(
            conn,
            Some(actor),
            "staff.add",
            "user",
            &user.id.to_string(),
            serde_json::json!({"role": role, "shop_id": user.shop_id, "invited": invited}),
        )?;
        let member =
            load_member(conn, user.id)?.ok_or_else(|| AppError::internal("new member vanished"))?;
        Ok((member, invitation))
    })
    .await?;
    if let Some(token) = invitation {
        send_invitation(&state, &member, &token).await;
    }
    Ok(HttpResponse::Created().json(member))
}

/// Mails a new member the link to choose a first password. A mail that cannot be sent is logged:
/// the manager can have them ask for a password reset.
async fn send_invitation(state: &web::Data<AppState>, member: &StaffMember, token: &str) {
    let link = format!("{}/reset-password?token={token}", state.config.public_url);
    let mail = Mail {
        to: member.email.clone(),
        subject: "OC Pizza : bienvenue dans l'équipe, choisissez votre mot de passe".to_string(),
        body: format!(
            "Bonjour {},\n\nUn compte OC Pizza vient d'être ouvert pour vous. Pour choisir votre mot de passe, ouvrez ce lien (valable {INVITATION_HOURS} heures) :\n{link}\n\nCode : {token}\n\nEnsuite, connectez-vous avec votre adresse {}.\n",
            member.full_name, member.email
        ),
    };
    let mailer = state.clone();
    let user_id = member.id;
    match web::block(move || mailer.mailer.send(mail)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, %user_id, "invitation mail not sent"),
        Err(e) => tracing::warn!(error = %e, %user_id, "invitation mail not sent"),
    }
}

/// A shop's team by name (managers: their own shop; admins: any shop, or every staff account).
#[utoipa::path(get, tag = "team", security(("bearer" = [])),
    params(StaffFilter),
    responses(
        (status = 200, description = "Members by name, deactivated ones included", body = StaffPage),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such shop, or another shop's manager")))]
#[get("/staff")]
pub async fn list_team(
    state: web::Data<AppState>,
    who: Authorized<Managers>,
    filter: ApiQuery<StaffFilter>,
) -> AppResult<HttpResponse> {
    let f = filter.into_inner();
    let shop = match (who.user.is_admin(), f.shop_id) {
        (true, shop) => shop,
        (false, None) => who.user.shop_id,
        (false, Some(shop)) if who.user.can_access_shop(shop) => Some(shop),
        (false, Some(_)) => return Err(AppError::not_found("shop")),
    };
    let paging = PageParams {
        limit: f.limit,
        cursor: f.cursor,
    };
    let (limit, offset) = (paging.limit()?, paging.offset()?);
    let rows = db::run(&state.pool, move |conn| {
        if let Some(shop) = shop {
            let exists: bool =
                diesel::select(diesel::dsl::exists(shops::table.find(shop))).get_result(conn)?;
            if !exists {
                return Err(AppError::not_found("shop"));
            }
        }
        let mut q = users::table
            .filter(users::role.ne(Role::Customer))
            .filter(users::email.is_not_null())
            .select(StaffMember::as_select())
            .order((users::full_name, users::id))
            .limit(limit + 1)
            .offset(offset)
            .into_boxed();
        if let Some(shop) = shop {
            q = q.filter(users::shop_id.eq(shop));
        }
        Ok(q.load::<StaffMember>(conn)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(paging.page(rows)?))
}

/// Changes a member's role, shop, name, or deactivates them: a deactivated member's access and
/// refresh tokens stop working at once (managers: the roles below theirs in their own shop).
#[utoipa::path(patch, tag = "team", security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The member's account id")),
    request_body = StaffChange,
    responses(
        (status = 200, description = "The member as changed", body = StaffMember),
        (status = 403, description = "Not a manager, a role or shop a manager does not give, or a manager or admin of the shop"),
        (status = 404, description = "No such member (or one of another shop)"),
        (status = 422, description = "Invalid field, or a change of your own role or activity")))]
#[patch("/staff/{user_id}")]
pub async fn change_member(
    state: web::Data<AppState>,
    who: Authorized<Managers>,
    path: web::Path<Uuid>,
    body: ApiJson<StaffChange>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let change = body.0;
    let me = who.user;
    let mut v = Violations::new();
    let role = change.role.as_deref().and_then(|r| parse_role(&mut v, r));
    if let Some(name) = &change.full_name {
        rules::check_full_name(&mut v, "full_name", name);
    }
    if id == me.id {
        if change.active == Some(false) {
            v.add(
                "active",
                "yourself",
                "you cannot deactivate your own account",
            );
        }
        if role.is_some_and(|r| r != me.role)
            || change.shop_id.is_some_and(|s| Some(s) != me.shop_id)
        {
            v.add(
                "role",
                "yourself",
                "another admin changes your own role or shop",
            );
        }
    }
    v.into_result()?;
    let member = db::transaction(&state.pool, move |conn| {
        let current: Option<StaffMember> = users::table
            .find(id)
            .filter(users::role.ne(Role::Customer))
            .filter(users::email.is_not_null())
            .select(StaffMember::as_select())
            .for_update()
            .first(conn)
            .optional()?;
        // A member of another shop is not found, as other shops' things are.
        let current = current
            .filter(|m| me.is_admin() || (m.shop_id.is_some() && m.shop_id == me.shop_id))
            .ok_or_else(|| AppError::not_found("team member"))?;
        if id != me.id {
            may_give(&me, current.role, current.shop_id)?;
        }
        let new_role = role.unwrap_or(current.role);
        // An admin belongs to no shop; made staff, they need one.
        let new_shop = match (new_role.belongs_to_a_shop(), change.shop_id) {
            (false, Some(_)) => {
                return Err(AppError::field(
                    "shop_id",
                    "not_allowed",
                    "admins belong to no shop",
                ))
            }
            (false, None) => None,
            (true, Some(shop)) => Some(shop),
            (true, None) => match current.shop_id {
                Some(shop) => Some(shop),
                None => {
                    return Err(AppError::field(
                        "shop_id",
                        "required",
                        "staff must belong to a shop",
                    ))
                }
            },
        };
        if id != me.id {
            may_give(&me, new_role, new_shop)?;
        }
        if let Some(shop) = new_shop.filter(|s| Some(*s) != current.shop_id) {
            let exists: bool =
                diesel::select(diesel::dsl::exists(shops::table.find(shop))).get_result(conn)?;
            if !exists {
                return Err(AppError::field("shop_id", "unknown", "no shop has this id"));
            }
        }
        let active = change.active.unwrap_or(current.active);
        let name = change
            .full_name
            .as_deref()
            .map(str::trim)
            .unwrap_or(&current.full_name)
            .to_string();
        diesel::update(users::table.find(id))
            .set((
                users::role.eq(new_role),
                users::shop_id.eq(new_shop),
                users::active.eq(active),
                users::full_name.eq(&name),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        if current.active && !active {
            // Access tokens are refused at their next request (the account lookup every request
            // makes reads the flag); refresh tokens are revoked here.
            super::sessions::end_other_sessions(conn, id, None)?;
        }
        if (current.active && !active) || new_role != current.role || new_shop != current.shop_id {
            // Their open shop streams end now (on commit), and reconnect only if still allowed.
            crate::live::announce_access_change(conn, id)?;
        }
        crate::audit::record(
            conn,
            Some(me.id),
            "staff.change",
            "user",
            &id.to_string(),
            serde_json::json!({
                "role": [current.role, new_role],
                "shop_id": [current.shop_id, new_shop],
                "active": [current.active, active],
            }),
        )?;
        load_member(conn, id)?.ok_or_else(|| AppError::internal("member vanished"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(member))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, shop: Option<Uuid>) -> CurrentUser {
        CurrentUser {
            id: Uuid::new_v4(),
            role,
            shop_id: shop,
            session: None,
            contact: None,
        }
    }

    #[test]
    fn a_manager_gives_the_roles_below_theirs_in_their_shop_and_an_admin_any() {
        let (mine, other) = (Uuid::new_v4(), Uuid::new_v4());
        let manager = caller(Role::Manager, Some(mine));
        let admin = caller(Role::Admin, None);
        for role in BELOW_MANAGER {
            assert!(may_give(&manager, role, Some(mine)).is_ok());
            assert!(may_give(&manager, role, Some(other)).is_err());
        }
        assert!(may_give(&manager, Role::Manager, Some(mine)).is_err());
        assert!(may_give(&manager, Role::Admin, None).is_err());
        assert!(may_give(&admin, Role::Manager, Some(other)).is_ok());
        assert!(may_give(&admin, Role::Admin, None).is_ok());
    }
}
