use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::WebhookWriteProblems;
use plateforme_api::{ApiError, ValidJson};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_store::webhooks::subscriptions::{self, NewSubscription};
use plateforme_store::{Store, write};

use super::subscription::{SubscriptionFields, SubscriptionWithSecret, WebhookSubscription};
use super::{WebhookSettings, location, signature, target};

/// The most subscriptions a client has.
const MAX_PER_CLIENT: i64 = 1000;

/// Subscribe to events
///
/// Each event of these types that you may read — the events `GET /v1/changes` serves you,
/// judged by the access policy for your client as it stands when the event is fanned out — is
/// POSTed to `url` as the same CloudEvent JSON, signed as Standard Webhooks specifies:
/// `webhook-id` (the event's id, the same on every retry and replay), `webhook-timestamp`,
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the secret this
/// answer holds (shown once). Deliveries are at least once, unordered: a receiver answers 2xx
/// once it kept the event, and drops an id it already has. Retries follow a backoff over about
/// three days (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), `Retry-After` of a 429 or
/// 503 honoured; then the delivery is dead (replay it). `410 Gone` disables the subscription
/// (events written while it is inactive are not queued for it).
/// The subscription receives the events written from its creation on; it is yours alone:
/// another client neither sees nor changes it (404). The URL must be `https` and resolve to
/// public addresses only (rule `webhook.url.private_address`, checked again at each delivery).
/// A client has at most 1000 subscriptions (rule `webhook.subscriptions.too_many`). No
/// `Idempotency-Key`: the secret is shown once and kept only sealed, so no answer is replayed;
/// after a lost answer, list your subscriptions and rotate the secret of the one you lack.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read", "webhooks:write"])),
    request_body = SubscriptionFields,
    responses(
        (status = 201, description = "Subscribed. `Location` names the subscription; `secret` is shown only now.",
            body = SubscriptionWithSecret, headers(("Location" = String, description = "Path of the subscription"))),
        WebhookWriteProblems
    )
)]
#[post("/subscriptions")]
pub async fn create_subscription(
    store: web::Data<Store>,
    settings: web::Data<WebhookSettings>,
    caller: Caller,
    ValidJson(fields): ValidJson<SubscriptionFields>,
) -> Result<HttpResponse, ApiError> {
    target::check(&fields.url, &settings.allowed_hosts).await.map_err(|refusal| ApiError::validation(vec![refusal]))?;
    let secret = signature::new_secret();
    let new = NewSubscription {
        client_id: caller.client_id().to_owned(),
        url: fields.url,
        event_types: fields.event_types,
        filter: fields.filter.map(|filter| serde_json::to_value(filter).map_err(ApiError::internal)).transpose()?,
        secret: secret.clone(),
    };
    let owner = new.client_id.clone();
    let stored = store
        .run(move |conn| {
            // Each subscription costs a judgement of every event: a client has a bounded number,
            // counted with the client's other creations waiting.
            write::transaction(conn, |conn| {
                write::serialize_on(conn, &format!("webhook_subscriptions:{owner}"))?;
                if subscriptions::count(conn, &owner)? >= MAX_PER_CLIENT {
                    return Ok(None);
                }
                subscriptions::create(conn, new).map(Some)
            })
        })
        .await?
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "body",
                "webhook.subscriptions.too_many",
                format!("a client has at most {MAX_PER_CLIENT} subscriptions: delete one, or widen one's event types"),
            )])
        })?;
    let subscription = WebhookSubscription::of(stored);
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, location(subscription.id)))
        .json(SubscriptionWithSecret { subscription, secret }))
}
