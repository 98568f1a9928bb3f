//! Webhook management: create, list, get, update, delete (loopback URLs only).

use super::*;

pub(super) fn webhook_json(w: &Webhook) -> Value {
    json!({
        "id": w.id,
        "subscriptions": w.subscriptions,
        "url": w.url,
        "createdDate": w.created_date,
        "updatedDate": w.updated_date,
        "secret": w.secret,
        "notificationEmail": w.notification_email,
        "isArchived": w.is_archived
    })
}

pub(super) fn check_subscriptions(body: &Map<String, Value>, errors: &mut Vec<Value>) {
    if let Some(Value::Array(items)) = body.get("subscriptions") {
        for (i, item) in items.iter().enumerate() {
            check_kind(
                item,
                Kind::Enum(ALERT_TYPES),
                vec![json!("body"), json!("subscriptions"), json!(i)],
                errors,
            );
        }
    }
}

pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn webhook_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut out = String::from("whsec_");
    for i in 0..2u64 {
        let mut h = state.build_hasher();
        h.write_u64(i);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

pub(super) fn webhook_create(state: &mut State, req: &SandboxRequest) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("subscriptions", Kind::List, true, false),
            ("url", Kind::Str, true, false),
            ("notificationEmail", Kind::Str, false, true),
        ],
        &mut errors,
    );
    check_subscriptions(&body, &mut errors);
    done(errors)?;
    let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
    if let Err(e) = crate::webhooks::loopback_target(url) {
        return Err(detail(400, &e.to_string()));
    }
    let id = state.fresh_id("wh");
    let w = Webhook {
        id,
        subscriptions: strings(body.get("subscriptions")),
        url: url.to_owned(),
        secret: webhook_secret(),
        notification_email: body
            .get("notificationEmail")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_date: now(),
        updated_date: None,
        is_archived: false,
    };
    let answer = webhook_json(&w);
    state.webhooks.push(w);
    Ok(answer)
}

pub(super) fn webhook_list(state: &mut State, req: &SandboxRequest) -> Answer {
    let mut errors = Vec::new();
    let archived = bool_query(req, "include_archived", false, &mut errors);
    done(errors)?;
    Ok(Value::Array(
        state
            .webhooks
            .iter()
            .filter(|w| archived || !w.is_archived)
            .map(webhook_json)
            .collect(),
    ))
}

pub(super) fn webhook_index(state: &State, id: &str) -> Result<usize, SandboxResponse> {
    state
        .webhooks
        .iter()
        .position(|w| w.id == id)
        .ok_or_else(|| detail(404, "Webhook not found"))
}

pub(super) fn webhook_get(state: &mut State, id: &str) -> Answer {
    let i = webhook_index(state, id)?;
    Ok(webhook_json(&state.webhooks[i]))
}

pub(super) fn webhook_update(state: &mut State, req: &SandboxRequest, id: &str) -> Answer {
    let (whole, body) = object_body(req)?;
    let mut errors = Vec::new();
    check_fields(
        &body,
        &whole,
        &[json!("body")],
        &[
            ("subscriptions", Kind::List, false, true),
            ("url", Kind::Str, false, true),
            ("notificationEmail", Kind::Str, false, true),
        ],
        &mut errors,
    );
    check_subscriptions(&body, &mut errors);
    done(errors)?;
    let i = webhook_index(state, id)?;
    if let Some(url) = body.get("url").and_then(Value::as_str) {
        if let Err(e) = crate::webhooks::loopback_target(url) {
            return Err(detail(400, &e.to_string()));
        }
        state.webhooks[i].url = url.to_owned();
    }
    if body.get("subscriptions").is_some_and(Value::is_array) {
        state.webhooks[i].subscriptions = strings(body.get("subscriptions"));
    }
    if let Some(e) = body.get("notificationEmail").and_then(Value::as_str) {
        state.webhooks[i].notification_email = Some(e.to_owned());
    }
    state.webhooks[i].updated_date = Some(now());
    Ok(webhook_json(&state.webhooks[i]))
}

pub(super) fn webhook_delete(state: &mut State, id: &str) -> Answer {
    let i = webhook_index(state, id)?;
    state.webhooks[i].is_archived = true;
    Ok(Value::Bool(true))
}
