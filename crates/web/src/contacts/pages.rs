//! Adding a contact on the partner page, the contact form, and archiving a contact.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout};
use crate::partner_page::{PartnerPageForms, Tab, partner_view};
use crate::respond::{PageResult, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::FieldError;
use domain::partners::{Contact, ContactInput};
use domain::permissions::Action;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/partners/{id}/contacts", post(add_contact))
        .route("/contacts/{id}", post(update_contact))
        .route("/contacts/{id}/edit", get(edit_contact))
        .route("/contacts/{id}/archive", post(archive_contact))
}

async fn add_contact(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let contact: ContactInput = form.input(&[])?;
    match state.services.add_contact(&auth.actor, id, &contact).await {
        Ok(_) => Ok(see_other(&format!("/partners/{id}/contacts"))),
        Err(services::Error::Invalid(contact_errors)) => {
            partner_view(
                &state,
                &auth,
                id,
                Tab::Contacts,
                "",
                PartnerPageForms {
                    contact,
                    contact_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

#[derive(Template)]
#[template(path = "contacts/contact_form.html")]
struct ContactFormPage {
    layout: Layout,
    csrf_token: String,
    contact_id: Uuid,
    partner_id: Uuid,
    contact: ContactInput,
    errors: Errors,
}

fn contact_form(
    auth: &PageAuth,
    contact: &Contact,
    input: ContactInput,
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = ContactFormPage {
        layout: auth.layout(format!("Edit {}", contact.name)),
        csrf_token: auth.csrf_token.clone(),
        contact_id: contact.id,
        partner_id: contact.partner_id,
        contact: input,
        errors: Errors::from(errors),
    };
    (status, render(view)).into_response()
}

async fn edit_contact(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    let contact = state
        .services
        .get_contact(&auth.actor, id)
        .await
        .map_err(service_error)?;
    if !auth.actor.may(Action::EditContacts) {
        return Err(service_error(services::Error::Forbidden(
            "your role cannot edit contacts".into(),
        )));
    }
    let input = ContactInput {
        name: contact.name.clone(),
        role: contact.role.clone(),
        email: contact.email.clone().unwrap_or_default(),
        phone: contact.phone.clone(),
    };
    Ok(contact_form(&auth, &contact, input, Vec::new()))
}

async fn update_contact(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: ContactInput = form.input(&[])?;
    match state.services.update_contact(&auth.actor, id, &input).await {
        Ok(contact) => Ok(see_other(&format!(
            "/partners/{}/contacts",
            contact.partner_id
        ))),
        Err(services::Error::Invalid(errors)) => {
            let contact = state
                .services
                .get_contact(&auth.actor, id)
                .await
                .map_err(service_error)?;
            Ok(contact_form(&auth, &contact, input, errors))
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn archive_contact(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    let contact = state
        .services
        .archive_contact(&auth.actor, id)
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!(
        "/partners/{}/contacts",
        contact.partner_id
    )))
}
